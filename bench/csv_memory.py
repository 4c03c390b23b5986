"""Peak memory of the CSV export: streamed (as /articles.csv does) against built in memory.

Makes a scratch database with 10,000 generated articles (about 3 KB of text each, two places,
one official and two topics apiece), then measures, each in a fresh process so the peaks do
not mix:

- ``stream all``: GET /articles.csv through Django's full request stack, chunks discarded as
  they arrive, as a WSGI server sends them on;
- ``stream tenth``: the same for a search matching a tenth of them (1,000): constant memory
  means this peak is about the same as the one for all;
- ``in memory all``: the peer, measured in the same run: the same code with a single chunk
  as large as the export, so every row and the whole CSV are in memory at once, as an
  ordinary HttpResponse would need;
- ``baseline``: a process that only sets Django up and runs one query, subtracted from RSS.

Each is repeated (``--runs``, default 5) in alternation and the medians are printed: peak
Python allocations (tracemalloc) and peak resident memory above the baseline (ru_maxrss).

    .venv/bin/python bench/csv_memory.py [--articles 10000] [--runs 5] [--keep]

Uses DATABASE_URL when set, else the embedded server; the scratch database is dropped at the
end (``--keep`` keeps it for the next run).
"""

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# DEBUG stays off: with it on, Django keeps every query it runs, which is itself a leak.
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

SCRATCH_DB = "bench_csv_memory"
RARE_TOPIC = "bench-one-in-ten"
PARAGRAPH = (
    "The county executive said the jail would again honor detainer requests from "
    "Immigration and Customs Enforcement for people charged with violent crimes. "
)


def setup_django(database: str | None = None) -> None:
    import django
    from django.conf import settings

    if database:
        settings.DATABASES["default"]["NAME"] = database
    settings.DATABASES["default"]["TEST"] = {"NAME": SCRATCH_DB}
    django.setup()


def generate(count: int) -> None:
    """10,000 articles and their tag links, written with bulk_create in batches."""
    from datetime import date, timedelta

    from archive.models import Article, Jurisdiction, Official, Outlet, Topic

    # Start from empty (a kept scratch database may hold another size).
    Article.objects.all().delete()
    Official.objects.all().delete()
    for model in (Outlet, Topic):
        model.objects.all().delete()
    Jurisdiction.objects.filter(parent__isnull=False).delete()
    Jurisdiction.objects.all().delete()

    outlets = [
        Outlet.objects.create(name=f"Bench Outlet {n}", slug=f"bench-outlet-{n}") for n in range(5)
    ]
    state = Jurisdiction.objects.create(
        name="Benchland", slug="benchland", kind="state", postal_code="BL"
    )
    places = [state] + [
        Jurisdiction.objects.create(
            name=f"Bench County {n}",
            slug=f"bench-county-{n}-bl",
            kind="county",
            parent=state,
            postal_code="BL",
        )
        for n in range(20)
    ]
    officials = [
        Official.objects.create(name=f"Official {n}", slug=f"official-{n}") for n in range(30)
    ]
    topics = [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(6)]
    rare = Topic.objects.create(name="One in ten", slug=RARE_TOPIC)

    start = date(2015, 1, 1)
    batch = 1000
    for first in range(0, count, batch):
        articles = []
        for n in range(first, min(first + batch, count)):
            headline = f"Bench article {n}: county changes course on detainers"
            body = (PARAGRAPH * 25) + f"Item {n}."
            raw = f"{headline}\n\n{body}"
            articles.append(
                Article(
                    headline=headline,
                    slug=f"bench-article-{n}",
                    raw_text=raw,
                    body=body,
                    byline=f"Reporter {n % 50}",
                    source_url=f"https://news.example.org/{n}",
                    published_on=start + timedelta(days=n % 3000),
                    date_precision="day",
                    outlet=outlets[n % len(outlets)],
                    sha256=hashlib.sha256(raw.encode()).hexdigest(),
                )
            )
        created = Article.objects.bulk_create(articles)
        Article.jurisdictions.through.objects.bulk_create(
            Article.jurisdictions.through(article=a, jurisdiction=places[(a.pk + k) % len(places)])
            for a in created
            for k in (0, 7)
        )
        Article.officials.through.objects.bulk_create(
            Article.officials.through(article=a, official=officials[a.pk % len(officials)])
            for a in created
        )
        Article.topics.through.objects.bulk_create(
            Article.topics.through(article=a, topic=topic)
            for i, a in enumerate(created)
            for topic in (
                [topics[a.pk % 6], topics[(a.pk + 1) % 6]]
                + ([rare] if (first + i) % 10 == 0 else [])
            )
        )


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    VmHWM rather than ru_maxrss: on Linux a child's ru_maxrss starts from its parent's peak
    (it survives exec), and the parent here has just generated the articles.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(mode: str, trace: bool) -> dict:
    """Run in a child process: do one export and report its peaks.

    tracemalloc slows Python down several times over, so it runs only when asked: its peak
    then, and the time and RSS from an untraced run.
    """
    from django.test import Client

    from archive import exports
    from archive.filters import ArticleFilter
    from archive.models import Article

    # Warm up: imports, URLconf and connection, so that only the export itself is measured
    # (and the baseline's RSS includes all of them).
    client = Client()
    warm_up = client.get(
        "/articles.csv", {"q": "nothing-matches-this"}, secure=True, HTTP_HOST="localhost"
    )
    assert warm_up.status_code == 200, warm_up.status_code
    b"".join(warm_up.streaming_content)
    if mode == "baseline":
        return {"mode": mode, "max_rss": peak_rss()}
    params = {"topic": RARE_TOPIC} if mode == "stream tenth" else {}
    rows = 0
    size = 0
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if mode.startswith("stream"):
        response = client.get("/articles.csv", params, secure=True, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\r\n")
        response.close()
    elif mode == "in memory all":
        # The same code with one chunk as large as the export: everything in memory at once.
        articles = ArticleFilter({}, queryset=Article.objects.all()).qs
        everything = articles.count()
        rows = exports.export_rows(articles, lambda path: f"https://localhost{path}", everything)
        data = "".join(exports.csv_chunks(rows, everything)).encode()
        size, rows = len(data), data.count(b"\r\n")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    return {
        "mode": mode,
        "rows": max(rows - 1, 0),  # less the header
        "bytes": size,
        "seconds": seconds,
        "traced_peak": peak,
        "max_rss": peak_rss(),
    }


def child(mode: str, database: str, trace: bool = False) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--database", database]
        + (["--trace"] if trace else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def mib(n: float) -> str:
    return f"{n / 2**20:8.1f} MiB"


def report(results: dict[str, list[dict]], runs: int, articles: int) -> None:
    base_rss = statistics.median(r["max_rss"] for r in results["baseline"])
    print(f"\nmedians of {runs} runs, each in a fresh process ({articles} articles)")
    header = ("", "rows", "CSV size", "traced peak", "RSS above base", "time")
    print("{:14} {:>6} {:>12} {:>12} {:>15} {:>8}".format(*header))
    summary = {}
    for mode, measured in results.items():
        if mode == "baseline":
            continue
        row = {
            key: statistics.median(r[key] for r in measured)
            for key in ("rows", "bytes", "traced_peak", "max_rss", "seconds")
        }
        row["rss"] = row["max_rss"] - base_rss
        summary[mode] = row
        print(
            f"{mode:14} {row['rows']:6.0f} {mib(row['bytes']):>12} {mib(row['traced_peak']):>12}"
            f" {mib(row['rss']):>15} {row['seconds']:7.2f}s"
        )
    stream, peer, tenth = summary["stream all"], summary["in memory all"], summary["stream tenth"]

    def ratio(a: dict, b: dict) -> str:
        traced, rss = a["traced_peak"] / b["traced_peak"], a["rss"] / b["rss"]
        return f"traced peak {traced:.2f}x, RSS {rss:.2f}x"

    print(f"\nin memory / streamed: {ratio(peer, stream)}")
    print(f"streamed all / streamed a tenth: {ratio(stream, tenth)} (1.00 = constant memory)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        setup_django(args.database)
        print(json.dumps(measure(args.child, args.trace)))
        return

    setup_django()
    from django.db import connection

    from archive.models import Article

    original = connection.settings_dict["NAME"]
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep)
    try:
        if Article.objects.count() != args.articles:
            started = time.perf_counter()
            generate(args.articles)
            print(f"generated {args.articles} articles in {time.perf_counter() - started:.1f} s")
        connection.close()

        modes = ["baseline", "stream all", "stream tenth", "in memory all"]
        results = {mode: [] for mode in modes}
        for run in range(args.runs):
            for mode in modes:
                untraced = child(mode, database)
                if mode != "baseline":
                    untraced["traced_peak"] = child(mode, database, trace=True)["traced_peak"]
                results[mode].append(untraced)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

        report(results, args.runs, args.articles)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0, keepdb=args.keep)


if __name__ == "__main__":
    main()
