"""The benchmark of pages drawn afresh after a change (bench/figures.py), on the seed archive,
so that it cannot rot."""

import pytest

import bench.figures
from archive.caching import archive_version

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
