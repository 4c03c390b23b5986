"""The run-by-run standing (bench/standing.py): each saved run's verdicts as it printed them,
read back from the result files that bench/run.py writes."""

import json
from dataclasses import asdict

from bench.standing import main
from bench.targets import judge


def saved(directory, stamp: str, size: int, datasette_p95: float, ours_p95: float, **load):
    """A result file as bench/run.py saves it: one search class, asked of both servers, and
    the verdicts judged from it."""
    row = {
        "class": "10% + state",
        "path": "/articles/?q=sheriff&state=TX",
        "ours": {"p50": ours_p95 * 0.8, "p95": ours_p95, "p99": ours_p95, "requests": 30},
        "warm": {"p50": 5.0, "p95": 6.0, "p99": 7.0, "requests": 30},
        "datasette": {"p50": datasette_p95, "p95": datasette_p95, "p99": datasette_p95},
    }
    result = {"articles": size, "gunicorn_worker_rss_mb": 99.0, "load": load, "table": [row]}
    result["targets"] = [asdict(check) for check in judge(result)]
    (directory / f"{stamp}-{size}.json").write_text(json.dumps(result))


def test_each_saved_run_is_a_line_with_its_verdicts_and_its_machines_pace(tmp_path, capsys):
    saved(tmp_path, "20261206-170954", 100_000, 155.3, 48.0, articles=100_000, per_second=830)
    saved(tmp_path, "20261206-171500", 100_000, 80.0, 30.0, reused=True)
    saved(tmp_path, "20261206-173910", 1_000_000, 0, 53.4, articles=10**6, per_second=1_076)
    # The mixed load's file holds no verdicts and is no run of the targets.
    (tmp_path / "20261206-175035-mixed-100000.json").write_text(json.dumps({"requests": 10}))

    assert main(["--results", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()

    slow = next(line for line in lines if line.startswith("| 20261206-170954 |"))
    assert slow.split(" | ")[1:3] == ["155.3", "slowest 10% + state 48.0 ms"]
    assert "**missed**: 10% + state 0.31" in slow
    assert slow.endswith("| **missed**: 830 articles/s |")
    reused = next(line for line in lines if line.startswith("| 20261206-171500 |"))
    assert "highest ratio 0.38" in reused  # never slower: 30 against 80, no fifth asked
    assert reused.endswith("| reused load |")
    big = next(line for line in lines if line.startswith("| 20261206-173910 |"))
    assert big.endswith("| 1,076 articles/s |")
    assert not any("mixed" in line or "175035" in line for line in lines)


def test_runs_before_since_are_left_out_and_an_empty_choice_says_so(tmp_path, capsys):
    saved(tmp_path, "20261205-090000", 100_000, 90.0, 30.0, reused=True)
    saved(tmp_path, "20261206-090000", 100_000, 90.0, 30.0, reused=True)

    assert main(["--results", str(tmp_path), "--since", "20261206"]) == 0
    out = capsys.readouterr().out
    assert "| 20261206-090000 |" in out
    assert "20261205-090000" not in out

    assert main(["--results", str(tmp_path), "--since", "20261207"]) == 1
    assert "No saved run with verdicts" in capsys.readouterr().err
