"""The benchmark of pages drawn afresh after a change (bench/figures.py), on the seed archive,
so that it cannot rot."""

import json

import pytest

import bench.figures
import bench.in_process
import bench.run
from archive.caching import archive_version
from archive.models import Article

pytestmark = pytest.mark.django_db


def test_every_page_is_measured_afresh_from_the_shared_cache_and_kept(client):
    rows = bench.figures.pages()
    assert [name for name, _ in rows] == [
        "place page",
        "state page",
        "/jurisdictions/",
        "home page",
        "/officials/",
    ]
    table = bench.figures.measure(client, rows, rounds=2)
    assert [row["path"] for row in table] == [path for _, path in rows]
    for row in table:
        assert 0 < row["afresh_median_ms"] <= row["afresh_p90_ms"]
        assert 0 < row["shared_median_ms"] <= row["shared_p90_ms"]
        assert 0 < row["kept_median_ms"] <= row["kept_p90_ms"]
        # The ratio is of the medians before they were rounded to a tenth of a millisecond.
        ratio = row["afresh_median_ms"] / row["kept_median_ms"]
        assert abs(row["ratio"] - ratio) <= 0.05 + 0.03 * ratio
    report = bench.figures.report(table)
    assert "| state page |" in report and "from the shared cache median" in report


def test_a_change_of_the_archive_is_what_a_write_makes():
    before = archive_version()
    bench.figures.archive_changed()
    assert archive_version() > before


def test_a_page_that_does_not_answer_stops_the_run(client):
    with pytest.raises(SystemExit, match="answered 404"):
        bench.figures.measure(client, [("missing", "/jurisdictions/no-such-place/")], rounds=1)


def test_a_run_is_printed_and_saved_with_the_archives_size(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.run, "RESULTS", tmp_path / "bench" / "results")
    table = [{"page": "home page", "afresh_median_ms": 1.0}]
    path = bench.in_process.publish("figures", "Pages", 2, table, "| home page | 1.0 |")
    articles = Article.objects.count()
    assert path.name.endswith(f"-figures-{articles}.json")
    assert json.loads(path.read_text()) == {"articles": articles, "rounds": 2, "table": table}
    printed = capsys.readouterr().out
    assert f"Pages, {articles:,} articles, 2 rounds, milliseconds:\n| home page | 1.0 |" in printed
