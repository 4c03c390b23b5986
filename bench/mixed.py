"""The mixed-load benchmark: readers at once against gunicorn, driven by locust.

    make bench-mixed                                  # 10 users for 60 s
    BENCH_USERS=20 BENCH_SECONDS=120 make bench-mixed

Runs against a benchmark database that is already loaded: ``archive_bench`` on the embedded
server, as ``make bench`` leaves it (``BENCH_N=100000 make bench`` first), or
BENCH_DATABASE_URL. The database is only read. Samples of its articles, places and tags are
drawn (with a fixed seed), gunicorn serves the real app as bench/run.py does (config.wsgi,
2 workers, DEBUG=0, on a free loopback port), each kind of request is asked twice to warm the
workers, then locust runs headless for a fixed time with a fixed number of users
(bench/locustfile.py holds the traffic mix). Prints requests/s, the failures (any response but
a 200) and p50/p95/p99 per request type; saves it all as JSON under bench/results/.
"""

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.error
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    OURS_PORT,
    RESULTS,
    SEARCHES,
    WORK,
    collect_static,
    existing_bench_database_url,
    fetch,
    percentile,
    start_archive,
    wait_for,
    worker_rss_mb,
)

USERS = int(os.environ.get("BENCH_USERS", 10))
SECONDS = int(os.environ.get("BENCH_SECONDS", 60))
THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", 0))
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
SAMPLE_ARTICLES = 500
LOAD_FIRST = (
    "run `BENCH_N=100000 make bench` first (it loads the corpus), or set BENCH_DATABASE_URL"
)


class NotReady(Exception):
    """The benchmark cannot run; the message says why and what to do."""


def loaded_database_url() -> tuple[str, int]:
    """The benchmark database and its article count, or NotReady saying what is missing."""
    import psycopg

    try:
        url = existing_bench_database_url()
    except psycopg.Error as error:
        raise NotReady(f"The embedded PostgreSQL did not answer: {error}") from None
    if url is None:
        raise NotReady(f"There is no benchmark database archive_bench yet: {LOAD_FIRST}.")
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            if conn.execute("SELECT to_regclass('archive_article')").fetchone()[0] is None:
                raise NotReady(f"The benchmark database has no archive tables: {LOAD_FIRST}.")
            count = conn.execute("SELECT count(*) FROM archive_article").fetchone()[0]
    except psycopg.OperationalError as error:
        raise NotReady(
            f"Cannot connect to the benchmark database ({error}). Check BENCH_DATABASE_URL, or "
            + LOAD_FIRST.replace(", or set BENCH_DATABASE_URL", ".")
        ) from None
    if not count:
        raise NotReady(f"The benchmark database holds no articles: {LOAD_FIRST}.")
    return url, count


def setup_django(database_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise NotReady(
            "The benchmark database's schema is behind the code: load it again "
            "(`BENCH_N=100000 make bench`), or migrate it with DATABASE_URL pointing at it."
        )


def draw_samples(rng: random.Random) -> dict:
    """Slugs for the readers to ask for, drawn from articles spread over the whole corpus."""
    from django.db.models import Max, Min

    from archive.models import Article, Jurisdiction, JurisdictionKind, Official, Outlet, Topic

    bounds = Article.objects.aggregate(low=Min("pk"), high=Max("pk"))
    span = range(bounds["low"], bounds["high"] + 1)
    wanted = rng.sample(span, min(len(span), SAMPLE_ARTICLES * 2))
    ids = list(Article.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    ids = sorted(ids)[:SAMPLE_ARTICLES]
    articles = list(
        Article.objects.filter(pk__in=ids).order_by("pk").values_list("slug", flat=True)
    )
    places = Jurisdiction.objects.filter(articles__in=ids).distinct().order_by("slug")
    counties = [p for p in places if p.kind == JurisdictionKind.COUNTY]
    states = list(
        Jurisdiction.objects.filter(
            kind=JurisdictionKind.STATE, pk__in={c.parent_id for c in counties}
        ).order_by("slug")
    )
    if not counties or not states:
        raise NotReady(f"The benchmark corpus has no articles tagged with counties: {LOAD_FIRST}.")

    def tagged(model, kind):
        slugs = model.objects.filter(articles__in=ids).distinct().order_by("slug")
        return [(kind, slug) for slug in slugs.values_list("slug", flat=True)]

    facets = [
        *tagged(Outlet, "outlet"),
        *tagged(Topic, "topic"),
        *tagged(Official, "official")[:100],
        *[("jurisdiction", c.slug) for c in counties[:100]],
    ]
    return {
        "searches": SEARCHES,
        "articles": articles,
        "counties": [c.slug for c in counties],
        "state_pages": [s.slug for s in states],
        "states": [s.postal_code for s in states],
        "facets": facets,
    }


def warm_up(base: str, samples: dict) -> list[str]:
    """Each kind of request twice (both workers decode the map, fill caches); what failed."""
    paths = [
        *("/articles/?" + urlencode({"q": q}) for q in SEARCHES.values()),
        "/articles/?" + urlencode({"q": "ICE", "state": samples["states"][0]}),
        "/articles/?" + urlencode({"q": "ICE", samples["facets"][0][0]: samples["facets"][0][1]}),
        "/articles/",
        f"/articles/{samples['articles'][0]}/",
        f"/jurisdictions/{samples['counties'][0]}/",
        f"/jurisdictions/{samples['state_pages'][0]}/",
        "/jurisdictions/",
        "/api/articles/?q=detainer",
        "/articles.csv?q=quokka",
    ]
    failed = []
    for path in paths * 2:
        try:
            fetch(base + path)
        except urllib.error.HTTPError as error:
            failed.append(f"{path}: HTTP {error.code}")
    return failed


def run_locust(base: str, samples_path: Path, record_path: Path, log_path: Path) -> int:
    if not LOCUST.exists():
        raise NotReady("locust is not installed: run `make .venv-bench/.installed`.")
    env = {
        **os.environ,
        "BENCH_MIXED_SAMPLES": str(samples_path),
        "BENCH_MIXED_RECORD": str(record_path),
        "BENCH_THINK_SECONDS": str(THINK_SECONDS),
    }
    command = [
        str(LOCUST),
        "--locustfile",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{SECONDS}s",
        # Requests under way when the time is up finish and are counted.
        "--stop-timeout",
        "120",
        "--host",
        base,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with log_path.open("w") as log:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log).returncode


# The request types of bench/locustfile.py, in the order the report lists them.
TYPES = [
    *(f"search {name}" for name in SEARCHES),
    "search + state",
    "facet click",
    "list, no search",
    "article page",
    "place page (county)",
    "place page (state)",
    "/jurisdictions/",
    "API list",
    "CSV, narrow search",
]


def type_order(name: str) -> tuple[int, str]:
    return (TYPES.index(name) if name in TYPES else len(TYPES), name)


def summarise(record_path: Path) -> dict:
    """requests/s, failures and percentiles from the requests locust recorded."""
    records = [json.loads(line) for line in record_path.read_text().splitlines() if line]
    requests = [r for r in records if r[1] is not None]
    if not requests:
        return {"requests": 0, "requests_per_second": 0, "failures": len(records), "types": []}
    started = min(r[1] for r in requests)
    ended = max(r[1] + r[2] / 1000 for r in requests)
    by_name = defaultdict(list)
    for name, _, elapsed, *_ in requests:
        by_name[name].append(elapsed)
    failures = Counter(
        (name, url, f"HTTP {status}" if status else error)
        for name, _, _, status, url, error in records
        if error is not None or status != 200
    )
    seconds = ended - started
    types = [
        {
            "type": name,
            "count": len(timings),
            "share": round(len(timings) / len(requests), 3),
            "failures": sum(n for (failed, *_), n in failures.items() if failed == name),
            "p50": round(statistics.median(timings), 1),
            "p95": round(percentile(timings, 0.95), 1),
            "p99": round(percentile(timings, 0.99), 1),
            "max": round(max(timings), 1),
        }
        for name, timings in sorted(by_name.items(), key=lambda item: type_order(item[0]))
    ]
    return {
        "requests": len(requests),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(requests) / seconds, 1),
        "failures": sum(failures.values()),
        "failed": [
            {"type": name, "url": url, "error": error, "count": count}
            for (name, url, error), count in failures.most_common()
        ],
        "types": types,
    }


def report(result: dict) -> str:
    summary = result["summary"]
    lines = [
        f"{result['users']} users for {result['seconds']} s against {result['articles']:,} "
        f"articles (think time up to {result['think_seconds']} s)",
        f"{summary['requests']:,} requests in {summary.get('seconds', 0)} s: "
        f"{summary['requests_per_second']} requests/s, {summary['failures']} failures",
        "",
        f"{'request type':<22} {'count':>6} {'share':>6} {'p50 ms':>9} {'p95 ms':>9} "
        f"{'p99 ms':>9} {'failed':>7}",
    ]
    for row in summary["types"]:
        lines.append(
            f"{row['type']:<22} {row['count']:>6} {row['share']:>6.1%} {row['p50']:>9} "
            f"{row['p95']:>9} {row['p99']:>9} {row['failures']:>7}"
        )
    for failure in summary.get("failed", [])[:20]:
        lines.append(
            f"FAILED {failure['count']}x {failure['type']}: {failure['error']} {failure['url']}"
        )
    return "\n".join(lines)


def main() -> int:
    database_url, count = loaded_database_url()
    setup_django(database_url)
    WORK.mkdir(parents=True, exist_ok=True)
    samples_path = WORK / "mixed-samples.json"
    record_path = WORK / "mixed-requests.jsonl"
    log_path = WORK / "mixed-locust.log"
    samples = draw_samples(random.Random(20261122))
    samples_path.write_text(json.dumps(samples))
    record_path.unlink(missing_ok=True)

    base = f"http://127.0.0.1:{OURS_PORT}"
    print(f"{count:,} articles; gunicorn on {base}; {USERS} users for {SECONDS} s", flush=True)
    collect_static(database_url)
    gunicorn = start_archive(database_url)
    try:
        try:
            wait_for(f"{base}/healthz")
        except RuntimeError as error:
            raise NotReady(f"gunicorn did not start: {error}") from None
        warm_failures = warm_up(base, samples)
        for failure in warm_failures:
            print(f"warm-up: {failure}", file=sys.stderr)
        load_before = os.getloadavg()
        exit_code = run_locust(base, samples_path, record_path, log_path)
        load_after = os.getloadavg()
        rss = worker_rss_mb(gunicorn)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    if not record_path.exists():
        log = log_path.read_text()[-3000:]
        raise NotReady(f"locust recorded no request (exit {exit_code}); its log:\n{log}")
    result = {
        "articles": count,
        "users": USERS,
        "seconds": SECONDS,
        "think_seconds": THINK_SECONDS,
        "gunicorn": {"workers": 2, "largest_process_rss_mb": rss},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(n, 2) for n in load_before],
            "load_average_after": [round(n, 2) for n in load_after],
        },
        "summary": summarise(record_path),
    }
    print(report(result))
    print(
        f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"(1 min); largest gunicorn process {rss} MB RSS."
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-mixed-{count}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Saved {path.relative_to(ROOT)}")
    if result["summary"]["failures"] or not result["summary"]["requests"]:
        print("FAILED: every request must answer 200 (see above).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except NotReady as error:
        print(error, file=sys.stderr)
        sys.exit(2)
