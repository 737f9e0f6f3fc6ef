"""Periods of days, and the school year (1 September to 31 August)."""

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)
SCHOOL_YEAR_STARTS = (9, 1)  # 1 September: (month, day)


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)

    def overlap(self, other: "Period") -> "Period | None":
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end) if start <= end else None

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def year_containing(day: datetime.date, starts: tuple[int, int]) -> Period:
    """The year that begins every year on ``starts`` (month, day) and contains ``day``."""
    month, first = starts
    year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    return Period(datetime.date(year, month, first),
                  datetime.date(year + 1, month, first) - ONE_DAY)


def school_year(day: datetime.date) -> Period:
    """The school year containing ``day``: 1 September to 31 August."""
    return year_containing(day, SCHOOL_YEAR_STARTS)
