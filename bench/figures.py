"""How long the pages that keep figures until the archive changes take right after a change,
beside the same pages with their figures kept.

    .venv/bin/python bench/figures.py [--rounds N]      (or `make bench-figures`)

A place's map and counts, the place list's map, the home page's places and the tag lists'
counts are drawn once per change of the archive and kept (archive/caching.py), so `make
bench`, which asks each page many times, measures them kept. An editor's every save moves
the change counter, and the next reader of each such page waits for its figures to be drawn
again. This asks each page just after moving the counter, as a write does; then as another
worker would, with this process's memory emptied but the figures in the shared cache; and
again with the figures kept in memory: the three in turns, so that a slow moment of the
machine falls on all alike. The ratio is the median afresh over the median kept.

Runs in this process, through Django's whole stack, against the database `make bench` loaded
(``archive_bench`` on the embedded server, or BENCH_DATABASE_URL), with DEBUG off and the
counts cache on, as deployed. Results go to bench/results/<time>-figures-<articles>.json.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.in_process import markdown, publish, setup_django, side_by_side, summary  # noqa: E402


def pages() -> list[tuple[str, str]]:
    """(name, path): the place pages `make bench` asks and the lists that keep figures."""
    from bench.run import sample_places

    county, busiest_state = sample_places()
    rows = [
        ("state page", f"/jurisdictions/{busiest_state.slug}/"),
        ("/jurisdictions/", "/jurisdictions/"),
        ("home page", "/"),
        # Every official in the order of its articles, counted once per change.
        ("/officials/", "/officials/"),
    ]
    if county is not None:
        rows.insert(0, ("place page", f"/jurisdictions/{county.slug}/"))
    return rows


def archive_changed() -> None:
    """Move the change counter as any write to the archive does: every kept figure is then
    drawn again on its next request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('archive_change_counter')")


def forget_this_process_figures() -> None:
    """Empty this process's memory, as another worker's is that has not drawn the figures."""
    from django.core.cache import caches

    from archive.caching import FIGURES

    caches[FIGURES].near.clear()


STATES = ("afresh", "shared", "kept")


def measure(client, rows: list[tuple[str, str]], rounds: int) -> list[dict]:
    """Median and 90th percentile of each page afresh, from the shared cache and kept, asked
    in turns."""
    for _, path in rows:  # a check that every page answers
        status = client.get(path, secure=True).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    timings = {(path, state): [] for _, path in rows for state in STATES}
    for _ in range(rounds):
        for _, path in rows:
            archive_changed()
            for state in STATES:
                if state == "shared":
                    forget_this_process_figures()
                started = time.perf_counter()
                client.get(path, secure=True)
                timings[path, state].append((time.perf_counter() - started) * 1000)
    table = []
    for name, path in rows:
        afresh, kept = timings[path, "afresh"], timings[path, "kept"]
        table.append(
            {
                "page": name,
                "path": path,
                **side_by_side("afresh", afresh, "kept", kept),
                **summary("shared", timings[path, "shared"]),
            }
        )
    return table


def report(table: list[dict]) -> str:
    sides = (("afresh", "afresh"), ("shared", "from the shared cache"), ("kept", "kept"))
    return markdown(table, "page", sides)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="requests per page (default 10)")
    args = parser.parse_args()

    setup_django()
    from django.test import Client

    table = measure(Client(), pages(), args.rounds)
    title = (
        "Pages right after a change of the archive, read from the shared cache, and with their "
        "figures kept"
    )
    publish("figures", title, args.rounds, table, report(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
