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
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.in_process import markdown, publish, setup_django, side_by_side  # noqa: E402

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
                **side_by_side("desk", desk_ms, "readers", public_ms),
            }
        )
    return table


def report(table: list[dict]) -> str:
    return markdown(table, "class", (("desk", "desk"), ("readers", "readers'")))


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

    setup_django(ARCHIVE_COUNTS_CACHE_SECONDS="0")  # every request counts afresh, on both lists
    table = run(args.rounds)
    title = "The editors' article list beside the readers'"
    publish("desk", title, args.rounds, table, report(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
