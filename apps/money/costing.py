"""What provision costs. Pure functions, exact arithmetic; docs/money.md works examples.

**The rounding rule, stated once:** every intermediate figure is an exact fraction
(``fractions.Fraction``); a money figure is rounded to the penny, half up, only when it is
reported (``to_pence``), and totals are sums of the exact figures, rounded once.

**The cost of timetabled provision:** sessions a week × minutes ÷ 60 × hourly rate ÷ group
size, for each week it runs inside the budget year. Weeks are the school's weeks of
support (default 39), spread evenly over the budget year's days, so a provision running
all year costs exactly that many weeks and one running part of it costs its share of
the days. A rate change takes effect from its date: the days before use the old rate.
A fixed cost falls in the budget year in which the provision starts.

**The cost of delivered sessions:** minutes ÷ 60 × the hourly rate on the day ÷ group
size, for each delivered session (not those the pupil missed or that were cancelled).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from apps.schools.calendar import ONE_DAY, Period, year_containing

from . import rules

PENNY = Decimal("0.01")


def to_pence(amount) -> Decimal:
    """The rounding rule: to the penny, half up (away from zero). Applied once, to a
    reported figure."""
    exact = Fraction(amount)
    if exact < 0:
        return -to_pence(-exact)
    # floor(n/d × 100 + 1/2), in whole numbers: floor((200n + d) / 2d)
    pence = (200 * exact.numerator + exact.denominator) // (2 * exact.denominator)
    return Decimal(pence).scaleb(-2).quantize(PENNY)


def budget_year(day: datetime.date, kind: str) -> Period:
    """The budget year containing ``day``: academic (1 Sep-31 Aug) or financial
    (1 Apr-31 Mar)."""
    return year_containing(day, rules.YEAR_STARTS[kind])


@dataclass(frozen=True)
class Rates:
    """Hourly rates in force from ``effective_from``."""

    effective_from: datetime.date
    teacher: Decimal
    ta: Decimal
    specialist: Decimal

    def for_staff(self, staff_type: str) -> Fraction:
        return Fraction(getattr(self, rules.RATE_FOR_STAFF_TYPE[staff_type]))


class RateTimeline:
    """Rates over time, from a school's dated cost settings (oldest first)."""

    def __init__(self, rates: list[Rates]):
        self.rates = sorted(rates, key=lambda r: r.effective_from)

    def on(self, day: datetime.date) -> Rates:
        current = self.rates[0]
        for rates in self.rates:
            if rates.effective_from <= day:
                current = rates
        return current

    def segments(self, period: Period):
        """(sub-period, rates) pieces of ``period`` with one set of rates each."""
        changes = [r.effective_from for r in self.rates if period.start < r.effective_from
                   <= period.end]
        bounds = [period.start, *changes, period.end + ONE_DAY]
        for start, after in zip(bounds, bounds[1:], strict=False):
            yield Period(start, after - ONE_DAY), self.on(start)


@dataclass(frozen=True)
class Timetable:
    """What costing needs to know about one provision."""

    staff_type: str
    sessions_per_week: Decimal | None
    minutes_per_session: int | None
    group_size: int | None
    fixed_cost: Decimal | None
    start: datetime.date
    end: datetime.date

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def weekly_hours(self) -> Fraction:
        """Staff hours a week spent on this pupil (shared across the group)."""
        if self.sessions_per_week is None:
            return Fraction(0)
        return (Fraction(self.sessions_per_week) * self.minutes_per_session / 60
                / (self.group_size or 1))


def planned_cost(timetable: Timetable, within: Period, year: Period, weeks_per_year: int,
                 rates: RateTimeline) -> Fraction:
    """Planned cost of the provision over the part of ``within`` (inside budget year
    ``year``) that it runs. Exact; round with ``to_pence`` when reporting."""
    if timetable.fixed_cost is not None:
        counted = timetable.start in year and timetable.start in within
        return Fraction(timetable.fixed_cost) if counted else Fraction(0)
    running = timetable.period.overlap(within)
    running = running.overlap(year) if running else None
    if running is None:
        return Fraction(0)
    total = Fraction(0)
    for piece, piece_rates in rates.segments(running):
        weeks = Fraction(weeks_per_year * piece.days, year.days)
        total += timetable.weekly_hours() * piece_rates.for_staff(timetable.staff_type) * weeks
    return total


def minutes_cost(minutes: int, rate: Fraction, group_size: int | None) -> Fraction:
    """Delivered minutes for one pupil: minutes ÷ 60 × the hourly rate ÷ group size."""
    return Fraction(minutes) / 60 * rate / (group_size or 1)


def session_cost(timetable: Timetable, minutes: int, day: datetime.date,
                 rates: RateTimeline) -> Fraction:
    """Cost to the school of one delivered session for this pupil."""
    return minutes_cost(minutes, rates.on(day).for_staff(timetable.staff_type),
                        timetable.group_size)
