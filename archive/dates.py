"""Publication dates as precise as they are known: a day, a month or only a year.

A month-precise date is stored as its first day plus the precision, and must never be shown
or exported as that day: ``2024-03`` stays ``2024-03``.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


_PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    start: date
    precision: DatePrecision

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError for anything else."""
        match = _PARTIAL_DATE.match(text.strip())
        if not match:
            raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {text!r}")
        year, month, day = match["year"], match["month"], match["day"]
        if day:
            return cls(date(int(year), int(month), int(day)), DatePrecision.DAY)
        if month:
            return cls(date(int(year), int(month), 1), DatePrecision.MONTH)
        return cls(date(int(year), 1, 1), DatePrecision.YEAR)

    def iso(self) -> str:
        if self.precision == DatePrecision.DAY:
            return self.start.isoformat()
        if self.precision == DatePrecision.MONTH:
            return self.start.strftime("%Y-%m")
        return str(self.start.year)

    def display(self) -> str:
        if self.precision == DatePrecision.DAY:
            return f"{self.start:%B} {self.start.day}, {self.start.year}"
        if self.precision == DatePrecision.MONTH:
            return self.start.strftime("%B %Y")
        return str(self.start.year)
