"""What each pupil's support costs in a budget year, set-based: a fixed number of queries
for any number of pupils, provisions and sessions."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter

from django.db.models import Case, IntegerField, Sum, Value, When
from django.utils import timezone

from apps.plans.models import DeliveredSession, Provision
from apps.plans.rules import SessionStatus, Stage

from . import rules
from .costing import (
    ONE_DAY,
    Period,
    Rates,
    RateTimeline,
    Tally,
    Timetable,
    budget_year,
    minutes_cost,
    planned_cost,
    tallied_cost,
    to_pence,
)
from .models import CostSettings, TopUpRequest

DEFAULT_SETTINGS = CostSettings(effective_from=datetime.date(2000, 1, 1))


def settings_history(school) -> list[CostSettings]:
    """The school's settings, oldest first; the defaults apply before the first of them."""
    return [DEFAULT_SETTINGS, *CostSettings.objects.filter(school=school)]


def settings_on(history: list[CostSettings], day: datetime.date) -> CostSettings:
    current = history[0]
    for row in history:
        if row.effective_from <= day:
            current = row
    return current


def rate_timeline(history: list[CostSettings]) -> RateTimeline:
    return RateTimeline([Rates(row.effective_from, row.teacher_rate, row.ta_rate,
                               row.specialist_rate) for row in history])


@dataclass(frozen=True)
class YearRules:
    """A budget year and the figures that apply to it: those in force on its first day."""

    period: Period
    threshold: Decimal
    weeks_per_year: int
    approaching_percent: int
    rates: RateTimeline

    @property
    def approaching_from(self) -> Fraction:
        return Fraction(self.threshold) * self.approaching_percent / 100


def year_rules(school, day: datetime.date | None = None,
               history: list[CostSettings] | None = None) -> YearRules:
    day = day or timezone.localdate()
    history = history or settings_history(school)
    period = budget_year(day, settings_on(history, day).budget_year)
    at_start = settings_on(history, period.start)
    return YearRules(period, at_start.threshold, at_start.weeks_per_year,
                     at_start.approaching_percent, rate_timeline(history))


TIMETABLE_FIELDS = ("staff_type", "sessions_per_week", "minutes_per_session", "group_size",
                    "fixed_cost", "start_date", "end_date")
TALLY_FIELDS = ("delivered_minutes", "first_delivered_on", "last_delivered_on")


def timetable(provision) -> Timetable:
    return Timetable(*(getattr(provision, name) for name in TIMETABLE_FIELDS))


_timetable_in, _tally_in = itemgetter(*TIMETABLE_FIELDS), itemgetter(*TALLY_FIELDS)


def timetable_of(row: dict) -> Timetable:
    """A provision's timetable from a ``values()`` row that read ``TIMETABLE_FIELDS``."""
    return Timetable(*_timetable_in(row))


def tally_of(row: dict) -> Tally:
    """A provision's tally from a ``values()`` row that read ``TALLY_FIELDS``."""
    return Tally(*_tally_in(row))


@dataclass
class PupilSpend:
    """A pupil's additional support in one budget year, against the element 2 threshold."""

    spent: Decimal
    committed: Decimal
    projected: Decimal
    threshold: Decimal
    top_up_income: Decimal
    state: str

    @property
    def over_threshold(self) -> bool:
        return self.state == rules.SpendState.OVER

    @property
    def share_percent(self) -> int:
        return int(to_pence(Fraction(self.projected) * 100 / Fraction(self.threshold)))

    @property
    def above_threshold(self) -> Decimal:
        return max(Decimal("0.00"), self.projected - self.threshold)

    @property
    def uncovered(self) -> Decimal:
        """Above the threshold and not yet met by approved top-up."""
        return max(Decimal("0.00"), self.above_threshold - self.top_up_income)


def state_of(projected: Fraction, rules_: YearRules) -> str:
    if projected > rules_.threshold:
        return rules.SpendState.OVER
    if projected >= rules_.approaching_from:
        return rules.SpendState.APPROACHING
    return rules.SpendState.UNDER


def delivered_costs(provisions: dict[int, tuple[Timetable, Tally]], period: Period,
                    rates: RateTimeline) -> dict[int, Fraction]:
    """What delivered sessions in ``period`` cost, per provision: from its tally where all
    its sessions fall inside ``period`` under one set of rates (``costing.tallied_cost``),
    else from the sessions of those that straddle, in one query grouped by provision and by
    each stretch of time with one set of rates."""
    if not period.days:
        return {}
    costs: dict[int, Fraction] = {}
    straddling = []
    for pk, (table, tally) in provisions.items():
        cost = tallied_cost(table, tally, period, rates)
        if cost is None:
            straddling.append(pk)
        elif cost:
            costs[pk] = cost
    if not straddling:
        return costs
    segments = list(rates.segments(period))
    rows = (
        DeliveredSession.objects.filter(provision__in=straddling,
                                        status=SessionStatus.DELIVERED,
                                        date__range=(period.start, period.end))
        .annotate(segment=Case(*[When(date__range=(p.start, p.end), then=Value(i))
                                 for i, (p, _) in enumerate(segments)],
                               output_field=IntegerField()))
        .values("provision_id", "segment").annotate(minutes=Sum("minutes"))
    )
    rates_of: dict[tuple[int, str], Fraction] = {}
    for row in rows:
        table = provisions[row["provision_id"]][0]
        key = (row["segment"], table.staff_type)
        rate = rates_of.get(key)
        if rate is None:
            rate = rates_of[key] = segments[row["segment"]][1].for_staff(table.staff_type)
        pk = row["provision_id"]
        costs[pk] = costs.get(pk, 0) + minutes_cost(row["minutes"], rate, table.group_size)
    return costs


def spend_by_pupil(pupil_ids: list[int], school, today: datetime.date | None = None,
                   rules_: YearRules | None = None) -> dict[int, PupilSpend]:
    """Spent to date, committed to the year's end, projected, and the state, for every
    pupil in ``pupils``, a queryset or a page's ids (three queries whatever their number,
    and a fourth for the sessions of provisions that straddle the year's start or a change
    of rates).

    Spent: delivered sessions and fixed costs so far this year. Committed: the provision
    of each open cycle from tomorrow to the end of the budget year, at its planned
    timetable (support goes on from review to review), and fixed costs still to come.
    Projected: the two together."""
    today = today or timezone.localdate()
    rules_ = rules_ or year_rules(school, today)
    year = rules_.period
    to_date = Period(year.start, min(today, year.end))
    ahead = Period(max(today + ONE_DAY, year.start), year.end)
    in_year = (Provision.objects.filter(cycle__plan__pupil__in=pupil_ids, start_date__lte=year.end)
               .exclude(end_date__lt=year.start, cycle__stage=Stage.CLOSED))
    provisions = list(  # in no order: every figure below is an exact sum
        in_year.values("id", "cycle__plan__pupil_id", "cycle__stage", *TIMETABLE_FIELDS,
                       *TALLY_FIELDS).order_by()
    )
    spent: dict[int, Fraction] = {}
    committed: dict[int, Fraction] = {}
    tables = {}
    # Pupils' provisions share timetables (an intervention, its sessions, its dates): what
    # each one commits is worked out once.
    commits: dict[Timetable, Fraction] = {}
    for row in provisions:
        pupil = row["cycle__plan__pupil_id"]
        table = timetable_of(row)
        tables[row["id"]] = (pupil, table, tally_of(row))
        if table.fixed_cost is not None:
            if table.start in to_date:
                spent[pupil] = spent.get(pupil, 0) + Fraction(table.fixed_cost)
            elif table.start in ahead and row["cycle__stage"] != Stage.CLOSED:
                committed[pupil] = committed.get(pupil, 0) + Fraction(table.fixed_cost)
        elif row["cycle__stage"] != Stage.CLOSED and ahead.days:
            # The current cycle's provision is assumed to go on, as planned, to the end
            # of the budget year: support continues from review to review.
            going_on = Timetable(table.staff_type, table.sessions_per_week,
                                 table.minutes_per_session, table.group_size, None,
                                 table.start, year.end)
            cost = commits.get(going_on)
            if cost is None:
                cost = commits[going_on] = planned_cost(going_on, ahead, year,
                                                        rules_.weeks_per_year, rules_.rates)
            committed[pupil] = committed.get(pupil, 0) + cost
    for provision_id, cost in delivered_costs(
        {pk: (table, tally) for pk, (_, table, tally) in tables.items()}, to_date, rules_.rates
    ).items():
        pupil = tables[provision_id][0]
        spent[pupil] = spent.get(pupil, 0) + cost
    income = dict(
        TopUpRequest.objects.filter(pupil__in=pupil_ids, year_start=year.start,
                                    status=rules.TopUpStatus.APPROVED)
        .values("pupil").annotate(total=Sum("approved_amount")).values_list("pupil", "total")
    )
    result = {}
    for pupil in pupil_ids:
        done, coming = spent.get(pupil, Fraction(0)), committed.get(pupil, Fraction(0))
        result[pupil] = PupilSpend(
            spent=to_pence(done), committed=to_pence(coming), projected=to_pence(done + coming),
            threshold=rules_.threshold, top_up_income=income.get(pupil) or Decimal("0.00"),
            state=state_of(done + coming, rules_))
    return result
