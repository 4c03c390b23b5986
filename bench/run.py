"""The search benchmark: the archive under gunicorn beside Datasette, on the same corpus.

    make bench                      # 100,000 articles (BENCH_N to change)
    BENCH_N=2000 make bench         # a quick run
    BENCH_REUSE=1 make bench        # measure again without reloading (same BENCH_N)

Steps: a fresh benchmark database (``archive_bench`` on the embedded server, or
BENCH_DATABASE_URL), migrations, the synthetic corpus (bench/corpus.py) through the archive's
COPY path and into SQLite, then gunicorn serving the real app and Datasette serving the SQLite
file, each asked the same query classes over HTTP. Prints p50/p95/p99 per class with the ratio
to Datasette, and saves the table as JSON under bench/results/.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.targets import judge, report  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / ".data" / "bench"
BENCH_DATABASE = "archive_bench"
REQUESTS, WARMUP = int(os.environ.get("BENCH_REQUESTS", 30)), 5
# A fast class is asked for at least this long. The p95 of 30 requests is the third slowest of
# them, three requests' luck; a page of 10-15 ms is asked a few hundred times instead, so its
# p95 is the page's own tail (docs/PERFORMANCE.md, "each class asked for at least 3 seconds").
MIN_SECONDS = float(os.environ.get("BENCH_MIN_SECONDS", 3))

# (class, archive path, Datasette query string or None when Datasette has no counterpart)
SEARCHES = {
    "rare": "quokka",
    "10%": "sheriff",
    "30%": "detainer",
    "85%": "ICE",
    "AND": "detainer sheriff",
    "phrase": '"county jail"',
}


def free_port() -> int:
    """A loopback port nothing listens on (other servers may run on this machine)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


OURS_PORT, WARM_PORT, PEER_PORT = free_port(), free_port(), free_port()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def measure(url: str) -> dict:
    """p50/p95/p99 of at least REQUESTS requests, asked one after another for at least
    MIN_SECONDS, after WARMUP requests that are not counted."""
    for _ in range(WARMUP):
        fetch(url)
    timings: list[float] = []
    started = time.perf_counter()
    while len(timings) < REQUESTS or time.perf_counter() - started < MIN_SECONDS:
        timings.append(fetch(url))
    return {
        "p50": round(statistics.median(timings), 1),
        "p95": round(percentile(timings, 0.95), 1),
        "p99": round(percentile(timings, 0.99), 1),
        "requests": len(timings),
    }


def warm_up(paths: list[str], ports: list[int]) -> None:
    """Every path asked of each server a few times before anything is measured, so that no
    class pays a worker's first request (templates loaded, connection opened) in its figures.
    Errors are left for the measurement to report."""
    for path in paths:
        for port in ports:
            for _ in range(3):
                try:
                    fetch(f"http://127.0.0.1:{port}{path}")
                except urllib.error.HTTPError:
                    break


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, ConnectionError, RuntimeError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def bench_database_url(reuse: bool) -> str:
    """BENCH_DATABASE_URL, or archive_bench: dropped and made anew unless ``reuse``."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    import psycopg

    from config.database import embedded_database_url

    if not reuse:
        admin_url = embedded_database_url("postgres")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    return embedded_database_url(BENCH_DATABASE)


def existing_bench_database_url() -> str | None:
    """The database an earlier run loaded, left as it is: BENCH_DATABASE_URL, or archive_bench
    on the embedded server; None when the embedded server has no such database."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    import psycopg

    from config.database import embedded_database_url

    with psycopg.connect(embedded_database_url("postgres"), autocommit=True) as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not conn.execute(query, [BENCH_DATABASE]).fetchone():
            return None
    return embedded_database_url(BENCH_DATABASE)


def sample_places():
    """(a county with articles, the state with the most counties): the places whose pages are
    measured, the state's holding the most articles of any place's. The county is None in an
    archive with no county tagged."""
    from django.db.models import Count

    from archive.models import Jurisdiction

    county = Jurisdiction.objects.filter(kind="county", articles__isnull=False).first()
    busiest_state = (
        Jurisdiction.objects.states().annotate(places=Count("children")).order_by("-places").first()
    )
    return county, busiest_state


def classes(
    sample_article: str,
    sample_place: str,
    sample_state: str,
    busiest_state: str,
    busiest_topic: str,
) -> list[tuple]:
    """(name, archive path, Datasette path or None). ``sample_state`` is a postal code for the
    searches' filter; ``busiest_state`` the slug of the state with the most counties, whose
    page lists the most articles of any place's; ``busiest_topic`` the slug of the topic with
    the most articles."""
    from urllib.parse import urlencode

    rows = []
    facets = "&_facet=outlet&_facet=county&_size=20"
    for name, query in SEARCHES.items():
        ours = "/articles/?" + urlencode({"q": query})
        peer = "/corpus/articles.json?" + urlencode({"_search": query}) + facets
        rows.append((name, ours, peer))
        rows.append(
            (f"{name} + state", f"{ours}&state={sample_state}", f"{peer}&state={sample_state}")
        )
    rows += [
        ("page 50 of 85%", "/articles/?q=ICE&page=50", None),
        ("article page", f"/articles/{sample_article}/", None),
        ("place page", f"/jurisdictions/{sample_place}/", None),
        ("state page", f"/jurisdictions/{busiest_state}/", None),
        ("topic page", f"/topics/{busiest_topic}/", None),
        # The same topic as its facet link gives it: the list with its count and facets.
        ("topic list", f"/articles/?topic={busiest_topic}", None),
        ("home page", "/", None),
        ("/jurisdictions/", "/jurisdictions/", None),
        ("API list", "/api/articles/?q=detainer", None),
    ]
    return rows


def archive_env(database_url: str) -> dict[str, str]:
    """The environment of a production-like server on loopback: DEBUG off, no TLS."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
    }


def collect_static(database_url: str) -> None:
    """What the servers serve from staticfiles/. Run once, before any server starts:
    collectstatic rewrites the hashed files, and a server starting meanwhile finds one
    missing and fails to boot."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=archive_env(database_url),
        check=True,
    )


def start_archive(database_url: str, port: int = OURS_PORT, **settings: str) -> subprocess.Popen:
    """gunicorn serving the real app (config.wsgi, 2 sync workers) on 127.0.0.1:port, with
    ``settings`` added to its environment; static files collected beforehand."""
    env = {**archive_env(database_url), **settings}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            # Two servers run at once (cold and warm); both would claim the one default
            # control socket, and neither needs it.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
    )


def start_datasette(sqlite_path: Path, port: int = PEER_PORT) -> subprocess.Popen:
    datasette_bin = ROOT / ".venv-bench" / "bin" / "datasette"
    return subprocess.Popen(
        [
            str(datasette_bin),
            "serve",
            str(sqlite_path),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "60000",
            "--setting",
            "facet_time_limit_ms",
            "60000",
            "--setting",
            "num_sql_threads",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_servers(database_url: str, sqlite_path: Path | None) -> list[subprocess.Popen]:
    """The archive measured cold (every request counts its matches afresh), the archive as
    deployed (the next request for the same search reuses its counts), and Datasette when
    there is a SQLite copy to serve."""
    collect_static(database_url)
    servers = [
        start_archive(database_url, ARCHIVE_COUNTS_CACHE_SECONDS="0"),
        start_archive(database_url, WARM_PORT),
    ]
    return servers + ([start_datasette(sqlite_path)] if sqlite_path else [])


def worker_rss_mb(gunicorn: subprocess.Popen) -> float:
    import psutil

    processes = [psutil.Process(gunicorn.pid), *psutil.Process(gunicorn.pid).children()]
    return round(max(process.memory_info().rss for process in processes) / 2**20, 1)


def main() -> int:
    count = int(os.environ.get("BENCH_N", 100_000))
    reuse = os.environ.get("BENCH_REUSE") == "1"
    database_url = bench_database_url(reuse)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # The corpus is tagged with the gazetteer's ~3,200 counties, as the archive's would be.
    subprocess.run(
        [sys.executable, "manage.py", "load_gazetteer", "-v0"], cwd=ROOT, env=env, check=True
    )

    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from archive.models import Article, Topic, tag_counts
    from bench.load import load

    (WORK / str(count)).mkdir(parents=True, exist_ok=True)
    # BENCH_PEER=0: the archive alone (no SQLite copy, no Datasette), for runs too large to
    # ask Datasette thirty times per class.
    peer = os.environ.get("BENCH_PEER", "1") != "0"
    sqlite_path = WORK / str(count) / "corpus.db"
    loaded = Article.objects.filter(slug__startswith="bench-").count()
    if reuse and loaded == count and (sqlite_path.exists() or not peer):
        print(f"Reusing the {count:,} articles loaded by an earlier run", flush=True)
        loading = {"reused": True}
    elif reuse:
        print(
            f"BENCH_REUSE=1, but the benchmark database holds {loaded:,} articles, not "
            f"{count:,}: run without BENCH_REUSE to load them.",
            file=sys.stderr,
        )
        return 2
    else:
        print(f"Generating and loading {count:,} articles …", flush=True)
        loading = load(count, sqlite_path if peer else None, spool_dir=WORK / str(count))
        before = "generating them and writing SQLite" if peer else "generating them"
        print(
            f"Loaded {loading['articles']:,} with their tags in {loading['seconds']} s, "
            f"{loading['per_second']:,} articles/s ({loading['generating_seconds']} s of {before} "
            f"went before; {loading['end_to_end_per_second']:,} articles/s with it)"
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sample_article = Article.objects.order_by("pk").values_list("slug", flat=True)[count // 2]
    place, busiest_state = sample_places()
    busiest_topic = tag_counts(Topic).first()

    servers = start_servers(database_url, sqlite_path if peer else None)
    table = []
    try:
        wait_for(f"http://127.0.0.1:{OURS_PORT}/healthz")
        wait_for(f"http://127.0.0.1:{WARM_PORT}/healthz")
        if peer:
            wait_for(f"http://127.0.0.1:{PEER_PORT}/corpus.json")
        measured = classes(
            sample_article, place.slug, place.postal_code, busiest_state.slug, busiest_topic.slug
        )
        warm_up([ours for _, ours, _ in measured], [OURS_PORT, WARM_PORT])
        for name, ours, peer_path in measured:
            row = {"class": name, "path": ours}
            try:
                row["ours"] = measure(f"http://127.0.0.1:{OURS_PORT}{ours}")
            except urllib.error.HTTPError as error:
                row["ours"] = {"error": error.code}
            if peer_path:
                row["warm"] = measure(f"http://127.0.0.1:{WARM_PORT}{ours}")
                if peer:
                    row["datasette"] = measure(f"http://127.0.0.1:{PEER_PORT}{peer_path}")
            table.append(row)
            print(format_row(row), flush=True)
        rss = max(worker_rss_mb(servers[0]), worker_rss_mb(servers[1]))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    result = {
        "articles": count,
        "requests_per_class": REQUESTS,
        "min_seconds_per_class": MIN_SECONDS,
        "load": loading,
        "gunicorn_worker_rss_mb": rss,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "table": table,
    }
    result["targets"] = [asdict(check) for check in judge(result)]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{count}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Largest gunicorn worker: {rss} MB RSS. Saved {path.relative_to(ROOT)}")
    print(markdown_table(table))
    print(report(result))
    return 0


def markdown_table(table: list[dict]) -> str:
    """The run as docs/PERFORMANCE.md shows it."""
    lines = [
        "| class | ours p50 | ours p95 | warm p95 | Datasette p50 | Datasette p95 | p95 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table:
        ours, warm, peer = row.get("ours", {}), row.get("warm"), row.get("datasette")
        if "error" in ours:
            lines.append(f"| {row['class']} | HTTP {ours['error']} | | | | | |")
            continue
        ratio = f"{ours['p95'] / peer['p95']:.2f}" if peer and peer["p95"] else "–"
        cells = [
            row["class"],
            ours["p50"],
            ours["p95"],
            warm["p95"] if warm else "–",
            peer["p50"] if peer else "–",
            peer["p95"] if peer else "–",
            ratio,
        ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def format_row(row: dict) -> str:
    ours, peer = row.get("ours", {}), row.get("datasette")
    if "error" in ours:
        return f"{row['class']:<20} HTTP {ours['error']}"
    text = (
        f"{row['class']:<20} ours p50 {ours['p50']:>8} p95 {ours['p95']:>8} ms "
        f"({ours['requests']:>4} requests)"
    )
    if row.get("warm"):
        text += f" (warm p95 {row['warm']['p95']:>7})"
    if peer:
        ratio = ours["p95"] / peer["p95"] if peer["p95"] else float("nan")
        text += f" | Datasette p50 {peer['p50']:>8} p95 {peer['p95']:>8} ms | ratio {ratio:.2f}"
    return text


if __name__ == "__main__":
    sys.exit(main())
