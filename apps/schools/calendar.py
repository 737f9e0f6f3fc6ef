"""Periods of days, the school year (1 September to 31 August), and the school's
calendar: the days support can happen (school days), from its term dates or, where a year
has none entered, from a default English school year (docs/calendar.md)."""

import bisect
import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from . import rules

ONE_DAY = datetime.timedelta(days=1)
ONE_WEEK = datetime.timedelta(weeks=1)
SCHOOL_YEAR_STARTS = (9, 1)  # 1 September: (month, day)
MONDAY, FRIDAY = 0, 4


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


@dataclass(frozen=True)
class CalendarEntry:
    """A term, or days within one when the school is closed to pupils."""

    kind: str
    name: str
    period: Period


@dataclass
class YearDates:
    """One school year's term dates, and the school days they give."""

    year: Period
    dates: list[CalendarEntry]
    is_default: bool = False
    _days: list[int] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self):
        closed = [d.period for d in self.dates if d.kind in rules.CLOSED]
        days = set()
        for term in self.terms:
            day = term.period.start
            while day <= term.period.end:
                if day.weekday() <= FRIDAY and not any(day in c for c in closed):
                    days.add(day.toordinal())
                day += ONE_DAY
        self._days = sorted(days)

    @property
    def terms(self) -> list[CalendarEntry]:
        return sorted((d for d in self.dates if d.kind == rules.TermDateKind.TERM),
                      key=lambda d: d.period.start)

    @property
    def closures(self) -> list[CalendarEntry]:
        return sorted((d for d in self.dates if d.kind in rules.CLOSED),
                      key=lambda d: d.period.start)

    def school_days(self, period: Period | None = None) -> int:
        if period is None:
            return len(self._days)
        return (bisect.bisect_right(self._days, period.end.toordinal())
                - bisect.bisect_left(self._days, period.start.toordinal()))

    @property
    def weeks(self) -> Fraction:
        return Fraction(len(self._days), rules.DAYS_A_WEEK)

    @property
    def last_day(self) -> datetime.date | None:
        """The last school day of the year (the summer term's end, less any closure)."""
        return datetime.date.fromordinal(self._days[-1]) if self._days else None


def monday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(MONDAY - day.weekday()) % 7)


def friday_on_or_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - FRIDAY) % 7)


def week_of(monday: datetime.date, name: str) -> CalendarEntry:
    return CalendarEntry(rules.TermDateKind.HALF_TERM, name, Period(monday, monday + 4 * ONE_DAY))


def default_year(year: Period) -> YearDates:
    """A typical English school year of 39 weeks of term (195 days), for a school that
    has not entered its own: the autumn term from the Monday on or after 2 September to the
    last Friday before 22 December, half term in the week of the last Monday in October;
    the spring term from the Monday on or after 2 January for 12 weeks, half term in the
    week of the third Monday in February; two weeks' Easter break; the summer term until
    the 39 weeks are made up, half term in the week of the last Monday in May (the spring
    bank holiday)."""
    first = year.start.year
    autumn = Period(monday_on_or_after(datetime.date(first, 9, 2)),
                    friday_on_or_before(datetime.date(first, 12, 21)))
    october = monday_on_or_after(datetime.date(first, 10, 25))
    spring_start = monday_on_or_after(datetime.date(first + 1, 1, 2))
    spring = Period(spring_start, spring_start + 12 * ONE_WEEK - 3 * ONE_DAY)
    february = monday_on_or_after(datetime.date(first + 1, 2, 15))
    summer_start = spring_start + 14 * ONE_WEEK
    may = monday_on_or_after(datetime.date(first + 1, 5, 25))
    taught_weeks = (autumn.days + 2) // 7 - 1 + 11  # autumn and spring, less half terms
    summer_weeks = rules.DEFAULT_WEEKS - taught_weeks + 1  # and its half term
    summer = Period(summer_start, summer_start + summer_weeks * ONE_WEEK - 3 * ONE_DAY)
    term = rules.TermDateKind.TERM
    return YearDates(year, [
        CalendarEntry(term, "Autumn", autumn), week_of(october, "Autumn half term"),
        CalendarEntry(term, "Spring", spring), week_of(february, "Spring half term"),
        CalendarEntry(term, "Summer", summer), week_of(may, "Summer half term"),
    ], is_default=True)


class SchoolCalendar:
    """A school's term dates for every year, the default year where none are entered."""

    def __init__(self, entered: dict[datetime.date, list[CalendarEntry]]):
        self.entered = entered  # by the school year's first day
        self._years: dict[datetime.date, YearDates] = {}

    def year(self, day: datetime.date) -> YearDates:
        """The dates of the school year containing ``day``."""
        period = school_year(day)
        if period.start not in self._years:
            dates = self.entered.get(period.start)
            self._years[period.start] = (YearDates(period, dates) if dates
                                         else default_year(period))
        return self._years[period.start]

    def school_days(self, period: Period) -> int:
        """School days (weekdays in term, less closures) in ``period``."""
        total, start = 0, period.start
        while start <= period.end:
            year = self.year(start)
            piece = Period(start, min(period.end, year.year.end))
            total += year.school_days(piece)
            start = piece.end + ONE_DAY
        return total

    def school_weeks(self, period: Period) -> Fraction:
        """School days in ``period`` as weeks of five days."""
        return Fraction(self.school_days(period), rules.DAYS_A_WEEK)

    def uses_default(self, period: Period) -> bool:
        """Whether any school year in ``period`` is counted from the default calendar."""
        start = school_year(period.start).start
        while start <= period.end:
            if self.year(start).is_default:
                return True
            start = school_year(start).end + ONE_DAY
        return False


def default_calendar() -> SchoolCalendar:
    return SchoolCalendar({})
