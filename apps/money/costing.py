"""What provision costs. Pure functions, exact arithmetic; docs/money.md works examples.

**Sessions planned** are counted in school weeks (apps/schools/calendar.py): sessions a
week × the school days the provision runs ÷ 5. Holidays plan nothing; a week with a bank
holiday plans four fifths of its sessions. The dose of support shows the same number.

**Planned cost** of timetabled provision = sessions planned × minutes ÷ 60 × hourly rate ÷
group size, over the days the provision runs (its start to its end, or to the day its
cycle closed or the pupil left, if sooner), split at the budget year's start and at each
rate change: the days before a change use the old rate. A fixed cost falls on the day
the provision starts.

**Delivered cost** = minutes delivered ÷ 60 × the hourly rate on the day ÷ group size, for
each delivered session (not those the pupil missed or that were cancelled); a fixed cost
once its day has come.

**Projected** = delivered so far + what is still planned, from tomorrow to the day the
provision ends (or, for one that goes on until it is changed, to the end of the budget
year).

**Rounding, stated once:** intermediate figures are exact fractions
(``fractions.Fraction``); each provision's figure for a budget year is rounded to the
penny, half up (``to_pence``), and every total (a pupil, a line of the provision map, a
top-up request) is the sum of those pennies, so the lines of any list add up to its
total.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from apps.plans.selectors import sessions_planned
from apps.schools.calendar import ONE_DAY, Period, SchoolCalendar, year_containing

from . import rules

PENNY = Decimal("0.01")


def to_pence(amount) -> Decimal:
    """The rounding rule: to the penny, half up (away from zero)."""
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
    """What costing needs to know about one provision. ``end`` is the last day it runs:
    its end date, or the day its cycle closed or the pupil left, if sooner; None while it
    goes on (it is then costed to the end of the budget year)."""

    staff_type: str
    sessions_per_week: Decimal | None
    minutes_per_session: int | None
    group_size: int | None
    fixed_cost: Decimal | None
    start: datetime.date
    end: datetime.date | None

    @property
    def period(self) -> Period:
        return Period(self.start, self.end or datetime.date.max)

    def hourly_share(self) -> Fraction:
        """Staff hours of one session spent on this pupil (shared across the group)."""
        return Fraction(self.minutes_per_session or 0, 60) / (self.group_size or 1)

    def weekly_hours(self) -> Fraction:
        """Staff hours a week spent on this pupil while it runs."""
        if self.sessions_per_week is None:
            return Fraction(0)
        return Fraction(self.sessions_per_week) * self.hourly_share()


def sessions_of(timetable: Timetable, within: Period, calendar: SchoolCalendar) -> Fraction:
    """Sessions the provision plans on the school days of ``within`` that it runs: the
    number its dose shows (plans.selectors.sessions_planned)."""
    return sessions_planned(timetable.sessions_per_week, timetable.period, within, calendar)


def planned_cost(timetable: Timetable, within: Period, calendar: SchoolCalendar,
                 rates: RateTimeline) -> Fraction:
    """Planned cost of the provision on the days of ``within`` that it runs. Exact."""
    if timetable.end and timetable.end < timetable.start:  # its cycle closed before it began
        return Fraction(0)
    if timetable.fixed_cost is not None:
        return Fraction(timetable.fixed_cost) if timetable.start in within else Fraction(0)
    running = timetable.period.overlap(within)
    if running is None:
        return Fraction(0)
    total = Fraction(0)
    for piece, piece_rates in rates.segments(running):
        total += (sessions_of(timetable, piece, calendar) * timetable.hourly_share()
                  * piece_rates.for_staff(timetable.staff_type))
    return total


def minutes_cost(minutes: int, rate: Fraction, group_size: int | None) -> Fraction:
    """Delivered minutes for one pupil: minutes ÷ 60 × the hourly rate ÷ group size."""
    return Fraction(minutes) / 60 * rate / (group_size or 1)


def session_cost(timetable: Timetable, minutes: int, day: datetime.date,
                 rates: RateTimeline) -> Fraction:
    """Cost to the school of one delivered session for this pupil."""
    return minutes_cost(minutes, rates.on(day).for_staff(timetable.staff_type),
                        timetable.group_size)


@dataclass(frozen=True)
class ProvisionCost:
    """One provision's figures for one budget year, each rounded to the penny."""

    planned: Decimal
    delivered: Decimal
    projected: Decimal
    school_weeks: Fraction  # the school weeks of the year it runs


def provision_cost(timetable: Timetable, year: Period, today: datetime.date,
                   calendar: SchoolCalendar, rates: RateTimeline,
                   delivered_sessions: Fraction) -> ProvisionCost:
    """Planned, delivered and projected for ``year``, given what its delivered sessions in
    the year up to ``today`` cost (``delivered_sessions``, exact)."""
    to_date = Period(year.start, min(today, year.end))
    ahead = Period(max(today + ONE_DAY, year.start), year.end)
    delivered = delivered_sessions
    if timetable.fixed_cost is not None and timetable.start in to_date:
        delivered += Fraction(timetable.fixed_cost)
    still_planned = planned_cost(timetable, ahead, calendar, rates) if ahead.days else 0
    running = timetable.period.overlap(year)
    return ProvisionCost(
        planned=to_pence(planned_cost(timetable, year, calendar, rates)),
        delivered=to_pence(delivered),
        projected=to_pence(delivered + still_planned),
        school_weeks=calendar.school_weeks(running) if running else Fraction(0))
