"""What provision costs. Pure functions, exact arithmetic.

**The rounding rule, stated once:** every intermediate figure is an exact fraction
(``fractions.Fraction``); a money figure is rounded to the penny, half up, only when it is
reported (``to_pence``), and totals are sums of the exact figures, rounded once.

**The cost of timetabled provision:** sessions a week × minutes ÷ 60 × hourly rate ÷ group
size, for each week it runs inside the budget year. Weeks are the school's weeks of
support (default 39), spread evenly over the budget year's days, so a provision running
all year costs exactly that many weeks and one running part of it costs its share of
the days. A rate change takes effect from its date: the days before use the old rate.
A fixed cost falls in the budget year in which the provision starts. Delivered cost counts
delivered sessions only: minutes ÷ 60 × the rate on the day ÷ group size. When all of a
provision's delivered sessions fall in the period asked about under one set of rates, that
is its kept tally of minutes at that rate (``tallied_cost``), with no session read.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple

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


class ExactSum:
    """A running total of fractions, exact, kept as numerators by denominator: adding is an
    addition of whole numbers, where adding Fractions reduces by a gcd every time (the
    provision map adds thousands). ``value()`` is the total as a Fraction."""

    __slots__ = ("_numerators",)

    def __init__(self):
        self._numerators: dict[int, int] = {}

    def add(self, amount: Fraction, times: int = 1) -> None:
        """Add ``amount``, ``times`` over."""
        denominator = amount.denominator
        self._numerators[denominator] = (self._numerators.get(denominator, 0)
                                         + amount.numerator * times)

    def merge(self, other: "ExactSum") -> None:
        """Add another running total to this one."""
        for denominator, numerator in other._numerators.items():
            self._numerators[denominator] = self._numerators.get(denominator, 0) + numerator

    def value(self) -> Fraction:
        """Over the least common denominator: one reduction, not one per denominator."""
        common = math.lcm(*self._numerators) if self._numerators else 1
        return Fraction(sum(n * (common // d) for d, n in self._numerators.items()), common)


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
        return self._as_fractions[staff_type]

    @cached_property
    def _as_fractions(self) -> dict[str, Fraction]:
        # Every provision costed asks for its rate: each is made a Fraction once.
        return {staff_type: Fraction(getattr(self, name))
                for staff_type, name in rules.RATE_FOR_STAFF_TYPE.items()}


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


class Timetable(NamedTuple):
    """What costing needs to know about one provision. (Timetables and tallies are named
    tuples: a page costs hundreds of provisions, and a frozen dataclass is several times
    slower to build.)"""

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
        sessions = Fraction(self.sessions_per_week)
        return Fraction(sessions.numerator * self.minutes_per_session,
                        sessions.denominator * 60 * (self.group_size or 1))


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
    hours, total = timetable.weekly_hours(), Fraction(0)
    for piece, piece_rates in rates.segments(running):
        weeks = Fraction(weeks_per_year * piece.days, year.days)
        total += hours * piece_rates.for_staff(timetable.staff_type) * weeks
    return total


def minutes_cost(minutes: int, rate: Fraction, group_size: int | None) -> Fraction:
    """Delivered minutes for one pupil: minutes ÷ 60 × the hourly rate ÷ group size, built
    as one fraction."""
    return Fraction(minutes * rate.numerator, 60 * rate.denominator * (group_size or 1))


class Tally(NamedTuple):
    """A provision's delivered sessions as the provision keeps them: their minutes, and the
    days of the first and the last (None before any)."""

    minutes: int
    first: datetime.date | None
    last: datetime.date | None


def delivered_inside(tally: Tally, period: Period) -> bool:
    """Whether any of the provision's delivered sessions can fall inside ``period``: not
    when it has none, or when its first and last both fall on one side of it."""
    return not (tally.first is None or tally.last < period.start or tally.first > period.end)


def tallied_rates(tally: Tally, period: Period, rates: RateTimeline) -> Rates | None:
    """For a tally with sessions inside ``period`` (``delivered_inside``): the one set of
    rates all of them were delivered under, when all of them fall inside ``period``; None
    when they straddle an end of ``period`` or a change of rates, and so must be costed
    session by session."""
    if tally.first < period.start or tally.last > period.end:
        return None
    rates_then = rates.on(tally.first)
    return rates_then if rates.on(tally.last) is rates_then else None


def tallied_cost(timetable: Timetable, tally: Tally, period: Period,
                 rates: RateTimeline) -> Fraction | None:
    """What the provision's delivered sessions inside ``period`` cost, from its tally: none
    of them inside costs nothing; all of them inside, under one set of rates, cost their
    minutes at that rate. None when they straddle an end of ``period`` or a change of rates,
    and so must be costed session by session."""
    if not delivered_inside(tally, period):
        return Fraction(0)
    rates_then = tallied_rates(tally, period, rates)
    if rates_then is None:
        return None
    return minutes_cost(tally.minutes, rates_then.for_staff(timetable.staff_type),
                        timetable.group_size)


def session_cost(timetable: Timetable, minutes: int, day: datetime.date,
                 rates: RateTimeline) -> Fraction:
    """Cost to the school of one delivered session for this pupil."""
    return minutes_cost(minutes, rates.on(day).for_staff(timetable.staff_type),
                        timetable.group_size)
