"""Every saved run of `make bench` at 100,000 and 1,000,000 articles, one line each, with the
verdict it printed on each target (bench/targets.py) and how fast its machine was.

The targets are judged on two-core machines that differ by about two to one in speed, so
whether a target is met is a question about many runs. This prints their verdicts as
markdown tables for docs/PERFORMANCE.md ("Where it stands"), read from bench/results/ rather
than copied by hand:

    .venv/bin/python bench/standing.py [--since 20261206] [--results DIR]

A run's verdicts are shown as it printed them: the loading target was judged end to end
(generating the corpus included) until the harness began to time the loader alone, and its
text says which.
"""

import argparse
import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# (column, the start of the target's text in a run's verdicts), per size.
COLUMNS = {
    100_000: [
        ("every search ≤ 100 ms", "every search class"),
        ("≤ a fifth of Datasette over 100 ms", "at most 0.2 of Datasette"),
        ("never slower than Datasette", "never slower"),
        ("worker < 250 MB", "every gunicorn worker"),
        ("loading ≥ 1,000/s", "loading at"),
    ],
    1_000_000: [
        ("rare and AND ≤ 50 ms", "rare and AND"),
        ("every class ≤ 300 ms", "every class"),
        ("article and place pages ≤ 30 ms", "article and place pages"),
        ("worker < 250 MB", "every gunicorn worker"),
        ("loading ≥ 1,000/s", "loading at"),
    ],
}

# How fast the machine was: Datasette's p95 for this class at 100,000, which is over 100 ms
# on the slower machines and so makes a fifth of it binding there. (No peer runs at 1,000,000.)
PACE_CLASS = "10% + state"


def saved_runs(results: Path = RESULTS, since: str = "") -> list[tuple[str, dict]]:
    """(stamp, result) for each run that saved its verdicts, oldest first. The mixed load's
    and the editors' desk's files hold no verdicts and are left out by that."""
    runs = []
    for path in sorted(results.glob("*.json")):
        stamp = path.name[:15]  # 20261206-170954
        if stamp < since:
            continue
        result = json.loads(path.read_text())
        if result.get("targets") and result.get("articles") in COLUMNS:
            runs.append((stamp, result))
    return runs


def cell(verdict: dict | None) -> str:
    if verdict is None:
        return "–"
    detail = verdict["detail"].replace("|", "/")
    return {True: detail, False: f"**missed**: {detail}", None: "–"}[verdict["met"]]


def load_cell(result: dict, verdict: dict | None) -> str:
    if result.get("load", {}).get("reused"):
        return "reused load"
    text = cell(verdict)
    if verdict and verdict["target"].endswith("end to end"):
        text += " (end to end)"
    return text


def pace(result: dict) -> str:
    for row in result["table"]:
        if row["class"] == PACE_CLASS and row.get("datasette"):
            return f"{row['datasette']['p95']}"
    return "–"


def table(size: int, runs: list[tuple[str, dict]]) -> str:
    paced = size == 100_000
    headings = ["run", *([f"Datasette's {PACE_CLASS} (ms)"] if paced else [])]
    headings += [name for name, _ in COLUMNS[size]]
    lines = [
        "| " + " | ".join(headings) + " |",
        "|" + "---|" * len(headings),
    ]
    for stamp, result in runs:
        if result["articles"] != size:
            continue
        verdicts = result["targets"]
        cells = [stamp, *([pace(result)] if paced else [])]
        for _, start in COLUMNS[size]:
            verdict = next((v for v in verdicts if v["target"].startswith(start)), None)
            cells.append(load_cell(result, verdict) if start == "loading at" else cell(verdict))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="", help="only runs from this stamp on (20261206)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the runs are saved")
    args = parser.parse_args(argv)
    runs = saved_runs(args.results, args.since)
    if not runs:
        print(f"No saved run with verdicts in {args.results}.", file=sys.stderr)
        return 1
    for size in COLUMNS:
        print(f"At {size:,} articles:\n\n{table(size, runs)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
