"""A place's articles per month, as the geometry of a small bar chart drawn in SVG.

Dates are as precise as known: an article dated to the day or the month falls in its month;
one known only to the year, or undated, cannot, and is counted beside the chart instead.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from archive.dates import DatePrecision, PartialDate

WIDTH, HEIGHT = 640, 120  # the chart's drawing area, in SVG units
AXIS = 18  # room below the bars for the year labels
MIN_TICK_SPACING = 36
MAX_BAR_WIDTH = 30


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        month = PartialDate(self.month, DatePrecision.MONTH).display()
        return f"{month}: {self.count} article{'s' if self.count != 1 else ''}"


@dataclass(frozen=True)
class Tick:
    x: float
    year: int


@dataclass
class Timeline:
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    max_count: int = 0
    year_only: int = 0
    undated: int = 0
    width: int = WIDTH
    height: int = HEIGHT + AXIS
    baseline: int = HEIGHT

    @property
    def span(self) -> str:
        """The months with articles: "March 2024 to July 2024", or one month alone."""
        months = self.months
        if not months:
            return ""
        first, last = (
            PartialDate(bar.month, DatePrecision.MONTH).display() for bar in (months[0], months[-1])
        )
        return first if first == last else f"{first} to {last}"

    @property
    def months(self) -> list[Bar]:
        """The months that have articles, for the table beside the chart."""
        return [bar for bar in self.bars if bar.count]


def month_counts_sql(rows: str) -> str:
    """Rows of (date precision, month, articles) over ``rows`` (a FROM clause whose rows have
    ``date_precision`` and ``published_on``)."""
    return f"""
        SELECT date_precision, date_trunc('month', published_on)::date, COUNT(*)
        FROM {rows} GROUP BY 1, 2"""


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def monthly_timeline(rows: Iterable[tuple[str, date | None, int]]) -> Timeline:
    """Articles per month over the calendar years that have any, empty months included, from
    rows of (date precision, month, articles) such as ``month_counts_sql`` gives."""
    timeline = Timeline()
    per_month: dict[date, int] = {}
    for precision, month, n in rows:
        if not precision:
            timeline.undated += n
        elif precision == DatePrecision.YEAR:
            timeline.year_only += n
        else:
            per_month[month] = per_month.get(month, 0) + n
    if not per_month:
        return timeline
    # Whole calendar years, so that a bar's place says its month at a glance.
    months = [date(min(per_month).year, 1, 1)]
    while months[-1] < date(max(per_month).year, 12, 1):
        months.append(_next_month(months[-1]))
    step = WIDTH / len(months)
    bar_width = min(step * 0.8, MAX_BAR_WIDTH)
    timeline.max_count = max(per_month.values())
    for i, month in enumerate(months):
        count = per_month.get(month, 0)
        height = HEIGHT * count / timeline.max_count
        x = i * step + (step - bar_width) / 2
        timeline.bars.append(Bar(month, count, x, HEIGHT - height, bar_width, height))
    last_tick = -MIN_TICK_SPACING
    for i, month in enumerate(months):
        x = i * step
        if (month.month == 1 or i == 0) and x - last_tick >= MIN_TICK_SPACING:
            timeline.ticks.append(Tick(x, month.year))
            last_tick = x
    return timeline
