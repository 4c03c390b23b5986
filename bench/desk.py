"""How fast the editors' article list answers, beside the readers' list of the same articles.

    .venv/bin/python bench/desk.py [--rounds N]      (or `make bench-desk`)

Runs against the database `make bench` loaded (``archive_bench`` on the embedded server, or
BENCH_DATABASE_URL), with DEBUG off. A superuser made for the run (and deleted after) asks
each class of the admin's article list, and the public list is asked the same thing: the same
search, the same place. Requests go through Django's whole stack in this process (middleware,
session, login, templates), not over a socket; the two lists are asked in turns, so that a
slow moment of the machine falls on both alike. Counts are not cached
(ARCHIVE_COUNTS_CACHE_SECONDS=0): every request of either list counts its matches afresh, as
the search benchmark's cold figures do. The ratio is the desk's median over the readers'.
Results go to bench/results/<time>-desk-<articles>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESK = "/admin/archive/article/"
EDITOR = "bench-desk-editor"


def classes(state_slug: str) -> list[tuple[str, str, str]]:
    """(name, desk query, readers' query): the same articles asked of both lists."""
    from bench.run import SEARCHES

    rows = [("list", "", "")]
    for name in ("rare", "10%", "85%", "phrase"):
        query = f"q={SEARCHES[name]}"
        rows.append((f"search {name}", query, query))
    place = f"jurisdiction={state_slug}"
    rows.append(("a state", place, place))
    rows.append(("10% in a state", f"q={SEARCHES['10%']}&{place}", f"q={SEARCHES['10%']}&{place}"))
    # The readers can neither sort by tags nor ask for untagged articles: their list stands by.
    rows.append(("by officials tagged", "o=-5", ""))
    rows.append(("without an official", "missing=official", ""))
    rows.append(("a year", "year=2020", "published_after=2020-01-01&published_before=2020-12-31"))
    return rows


def measure(client, rows: list[tuple[str, str, str]], rounds: int) -> list[dict]:
    """Median and 90th percentile of each class on both lists, asked in turns."""
    pages = [
        (name, side, path)
        for name, desk, public in rows
        for side, path in (("desk", f"{DESK}?{desk}"), ("readers", f"/articles/?{public}"))
    ]
    for _, _, path in pages:  # warm-up, and a check that every page answers
        status = client.get(path, secure=True).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    timings: dict[tuple[str, str], list[float]] = {(n, s): [] for n, s, _ in pages}
    for _ in range(rounds):
        for name, side, path in pages:
            started = time.perf_counter()
            client.get(path, secure=True)
            timings[name, side].append((time.perf_counter() - started) * 1000)
    table = []
    for name, desk, public in rows:
        desk_ms, public_ms = timings[name, "desk"], timings[name, "readers"]
        table.append(
            {
                "class": name,
                "desk": f"{DESK}?{desk}",
                "readers": f"/articles/?{public}",
                "desk_median_ms": round(statistics.median(desk_ms), 1),
                "desk_p90_ms": round(_p90(desk_ms), 1),
                "readers_median_ms": round(statistics.median(public_ms), 1),
                "readers_p90_ms": round(_p90(public_ms), 1),
                "ratio": round(statistics.median(desk_ms) / statistics.median(public_ms), 2),
            }
        )
    return table


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def report(table: list[dict]) -> str:
    lines = [
        "| class | desk median | desk p90 | readers' median | readers' p90 | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for row in table:
        lines.append(
            f"| {row['class']} | {row['desk_median_ms']} | {row['desk_p90_ms']} | "
            f"{row['readers_median_ms']} | {row['readers_p90_ms']} | {row['ratio']} |"
        )
    return "\n".join(lines)


def run(rounds: int) -> list[dict]:
    """The table for the database Django is configured for, with an editor made for it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from archive.models import Jurisdiction

    state = Jurisdiction.objects.states().filter(articles__isnull=False).first()
    state = state or Jurisdiction.objects.states().order_by("name").first()
    editor = get_user_model().objects.create_superuser(EDITOR, password=None)
    try:
        client = Client()
        client.force_login(editor)
        return measure(client, classes(state.slug), rounds)
    finally:
        editor.delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="requests per page (default 20)")
    args = parser.parse_args()

    from bench.run import RESULTS, existing_bench_database_url

    url = existing_bench_database_url()
    if url is None:
        raise SystemExit("No benchmark database: run `make bench` first (BENCH_N sets its size).")
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-not-a-secret",
        ALLOWED_HOSTS="testserver",
        ARCHIVE_COUNTS_CACHE_SECONDS="0",  # every request counts afresh, on both lists
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    from archive.models import Article

    articles = Article.objects.count()
    table = run(args.rounds)
    print(
        f"The editors' article list beside the readers', {articles:,} articles, "
        f"{args.rounds} rounds, milliseconds:"
    )
    print(report(table))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-desk-{articles}.json"
    path.write_text(
        json.dumps({"articles": articles, "rounds": args.rounds, "table": table}, indent=2) + "\n"
    )
    print(f"Saved {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
