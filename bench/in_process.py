"""What the benchmarks run in one process share (bench/desk.py, bench/figures.py): Django set
up against the database `make bench` loaded, the 90th percentile, and the saved results."""

import json
import os
import statistics
import time
from pathlib import Path


def setup_django(**settings: str) -> None:
    """Django against ``archive_bench`` (or BENCH_DATABASE_URL) with DEBUG off, ``settings``
    added to the environment; a clear exit when `make bench` has loaded no database."""
    from bench.run import existing_bench_database_url

    url = existing_bench_database_url()
    if url is None:
        raise SystemExit("No benchmark database: run `make bench` first (BENCH_N sets its size).")
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-not-a-secret",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="config.settings",
        **settings,
    )
    import django

    django.setup()


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def publish(kind: str, title: str, rounds: int, table: list[dict], report: str) -> Path:
    """Print ``title`` with the archive's size and the rounds, then ``report``; save ``table``
    as bench/results/<time>-<kind>-<articles>.json and say where; its path."""
    from archive.models import Article
    from bench.run import RESULTS

    articles = Article.objects.count()
    print(f"{title}, {articles:,} articles, {rounds} rounds, milliseconds:")
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{articles}.json"
    result = {"articles": articles, "rounds": rounds, "table": table}
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Saved {path.relative_to(RESULTS.parent.parent)}")
    return path


def summary(name: str, timings: list[float]) -> dict:
    """The median and 90th percentile of one page's timings: ``<name>_median_ms`` and
    ``<name>_p90_ms``."""
    return {
        f"{name}_median_ms": round(statistics.median(timings), 1),
        f"{name}_p90_ms": round(p90(timings), 1),
    }


def side_by_side(first: str, first_ms: list[float], second: str, second_ms: list[float]) -> dict:
    """The summary() of two pages' timings and ``ratio``, the first median over the second."""
    return {
        **summary(first, first_ms),
        **summary(second, second_ms),
        "ratio": round(statistics.median(first_ms) / statistics.median(second_ms), 2),
    }


def markdown(table: list[dict], name: str, sides: tuple[tuple[str, str], ...]) -> str:
    """Rows of summaries and a ratio as a markdown table: the ``name`` column, then each
    side's median and 90th percentile under its heading (``sides``: (key, heading) pairs),
    then the ratio."""
    headings = [name] + [
        f"{heading} {figure}" for _, heading in sides for figure in ("median", "p90")
    ]
    lines = ["| " + " | ".join([*headings, "ratio"]) + " |", "|---" * (len(headings) + 1) + "|"]
    for row in table:
        cells = [row[name]] + [
            row[f"{key}_{figure}_ms"] for key, _ in sides for figure in ("median", "p90")
        ]
        lines.append("| " + " | ".join(str(cell) for cell in [*cells, row["ratio"]]) + " |")
    return "\n".join(lines)
