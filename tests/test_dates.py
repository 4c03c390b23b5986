"""Publication dates keep the precision they are known to."""

from datetime import date

import pytest

from archive.dates import DatePrecision, PartialDate


@pytest.mark.parametrize(
    ("text", "start", "precision", "iso", "display"),
    [
        ("2019-11-01", date(2019, 11, 1), DatePrecision.DAY, "2019-11-01", "November 1, 2019"),
        ("2024-03", date(2024, 3, 1), DatePrecision.MONTH, "2024-03", "March 2024"),
        ("2024", date(2024, 1, 1), DatePrecision.YEAR, "2024", "2024"),
    ],
)
def test_partial_dates_round_trip(text, start, precision, iso, display):
    value = PartialDate.parse(text)
    assert (value.start, value.precision) == (start, precision)
    assert value.iso() == iso
    assert value.display() == display


@pytest.mark.parametrize("text", ["", "24-03", "2024-3", "2024-13", "2024-02-30", "March 2024"])
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)
