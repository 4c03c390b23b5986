"""The publication date, when the text or the saved page states it.

Only stated dates count: a "Published March 12, 2024" line, a date alone on a line near the
top, or the page's own metadata. Dates of the events reported ("on Feb. 27") are not the
publication date, and a date the text does not give is never guessed.
"""

import re
from dataclasses import dataclass
from datetime import date

from archive.dates import DatePrecision, PartialDate

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
DATE_FORMS = [
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),\s+(?P<year>\d{{4}})"),
    re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})"),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
    re.compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"),
]
STATED = re.compile(
    r"^\s*(?:Published|Posted|Originally published|First published)(?:\s+on)?\s*:?\s*(?P<rest>.+)$",
    re.I,
)
LINES_FROM_TOP = 6


@dataclass
class DateFinding:
    date: PartialDate
    evidence: str


def parse_date(text: str) -> PartialDate | None:
    """A day written in one of the usual ways at the start of ``text``."""
    for form in DATE_FORMS:
        match = form.match(text.strip())
        if not match:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else MONTHS.get(month.lower())
        try:
            day = date(int(match["year"]), month_number or 0, int(match["day"]))
        except (TypeError, ValueError):
            continue
        return PartialDate(day, DatePrecision.DAY)
    return None


def find_date(text: str, page_date: PartialDate | None = None) -> DateFinding | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        stated = STATED.match(line)
        if stated and (found := parse_date(stated["rest"])):
            return DateFinding(found, line)
    for line in lines[:LINES_FROM_TOP]:
        # A date alone on its line, perhaps with a time: "March 12, 2024 10:41am EDT".
        found = parse_date(line)
        if found and len(line) <= 40:
            return DateFinding(found, line)
    if page_date:
        return DateFinding(page_date, f"The page's metadata gives the date {page_date.iso()}.")
    return None
