"""What each pupil's support costs in a budget year, costed provision by provision with
``costing``: a fixed number of queries for any number of pupils."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from apps.plans.models import DeliveredSession, Provision
from apps.plans.rules import SessionStatus, Stage
from apps.schools.calendar import ONE_DAY, Period

from . import rules
from .costing import (
    Rates,
    RateTimeline,
    Timetable,
    budget_year,
    minutes_cost,
    planned_cost,
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


def year_rules(school, day: datetime.date | None = None,
               history: list[CostSettings] | None = None) -> YearRules:
    day = day or timezone.localdate()
    history = history or settings_history(school)
    period = budget_year(day, settings_on(history, day).budget_year)
    at_start = settings_on(history, period.start)
    return YearRules(period, at_start.threshold, at_start.weeks_per_year,
                     at_start.approaching_percent, rate_timeline(history))


def year_rules_asked(school, asked: str | None) -> YearRules:
    """The budget year asked for by a page or the API (``?year=YYYY-MM-DD``, any day in
    it), else this one. A day that is not a date is a 404."""
    day = timezone.localdate()
    if asked:
        try:
            day = datetime.date.fromisoformat(asked)
        except ValueError:
            raise Http404("No such year.") from None
    return year_rules(school, day)


TIMETABLE_FIELDS = ("staff_type", "sessions_per_week", "minutes_per_session", "group_size",
                    "fixed_cost", "start_date", "end_date")


def timetable(provision: Provision | dict) -> Timetable:
    """A provision's timetable, from the provision or from a ``values()`` row of it."""
    value = provision.get if isinstance(provision, dict) else provision.__getattribute__
    return Timetable(*(value(name) for name in TIMETABLE_FIELDS))


def delivered_costs(provisions: QuerySet[Provision], timetables: dict[int, Timetable],
                    period: Period, rates: RateTimeline) -> dict[int, Fraction]:
    """What the delivered sessions of ``provisions`` inside ``period`` cost, per provision
    (``timetables`` has the timetable of each): their minutes, added up by provision and by
    each stretch of the period under one set of rates, in one query."""
    if not period.days:
        return {}
    segments = list(rates.segments(period))
    rows = (DeliveredSession.objects
            .filter(provision__in=provisions.values("pk"), status=SessionStatus.DELIVERED,
                    date__range=(period.start, period.end))
            .annotate(segment=Case(*[When(date__range=(piece.start, piece.end), then=Value(i))
                                     for i, (piece, _) in enumerate(segments)],
                                   output_field=IntegerField()))
            .values("provision_id", "segment").annotate(minutes=Sum("minutes")).order_by())
    costs: dict[int, Fraction] = {}
    for row in rows:
        table = timetables[row["provision_id"]]
        rate = segments[row["segment"]][1].for_staff(table.staff_type)
        costs[row["provision_id"]] = (costs.get(row["provision_id"], Fraction(0))
                                      + minutes_cost(row["minutes"], rate, table.group_size))
    return costs


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


def spend_by_pupil(pupil_ids: list[int], school, today: datetime.date | None = None,
                   rules_: YearRules | None = None) -> dict[int, PupilSpend]:
    """Spent to date, committed to the year's end, projected, and the state, for each
    pupil, in three queries.

    Spent: delivered sessions and fixed costs so far this year. Committed: the provision
    of each open cycle from tomorrow to the end of the budget year (or the day the pupil
    left), at its planned timetable (support goes on from review to review), and fixed
    costs still to come.
    Projected: the two together."""
    today = today or timezone.localdate()
    rules_ = rules_ or year_rules(school, today)
    year = rules_.period
    to_date = Period(year.start, min(today, year.end))
    ahead = Period(max(today + ONE_DAY, year.start), year.end)
    provisions = (Provision.objects
                  .filter(cycle__plan__pupil__in=pupil_ids, start_date__lte=year.end)
                  .exclude(end_date__lt=year.start, cycle__stage=Stage.CLOSED))
    spent = dict.fromkeys(pupil_ids, Fraction(0))
    committed = dict.fromkeys(pupil_ids, Fraction(0))
    pupil_of, timetables = {}, {}
    for row in provisions.values("id", "cycle__plan__pupil_id", "cycle__plan__pupil__left_on",
                                 "cycle__stage", *TIMETABLE_FIELDS):
        pupil, table = row["cycle__plan__pupil_id"], timetable(row)
        left_on = row["cycle__plan__pupil__left_on"]
        still_running = row["cycle__stage"] != Stage.CLOSED
        pupil_of[row["id"]], timetables[row["id"]] = pupil, table
        if table.fixed_cost is not None:
            if table.start in to_date:
                spent[pupil] += Fraction(table.fixed_cost)
            elif table.start in ahead and still_running:
                committed[pupil] += Fraction(table.fixed_cost)
        elif still_running and ahead.days:
            # The current cycle's provision is assumed to go on, as planned, to the end
            # of the budget year (support continues from review to review), or to the day
            # the pupil left the school.
            until = min(year.end, left_on) if left_on else year.end
            if until >= table.start:
                going_on = Timetable(table.staff_type, table.sessions_per_week,
                                     table.minutes_per_session, table.group_size, None,
                                     table.start, until)
                committed[pupil] += planned_cost(going_on, ahead, year,
                                                 rules_.weeks_per_year, rules_.rates)
    for provision_id, cost in delivered_costs(provisions, timetables, to_date,
                                              rules_.rates).items():
        spent[pupil_of[provision_id]] += cost
    income = dict(
        TopUpRequest.objects.filter(pupil__in=pupil_ids, year_start=year.start,
                                    status=rules.TopUpStatus.APPROVED)
        .values("pupil").annotate(total=Sum("approved_amount")).values_list("pupil", "total")
    )
    return {pupil: PupilSpend(
        spent=to_pence(spent[pupil]), committed=to_pence(committed[pupil]),
        projected=to_pence(spent[pupil] + committed[pupil]), threshold=rules_.threshold,
        top_up_income=income.get(pupil) or Decimal("0.00"),
        state=rules.spend_state(spent[pupil] + committed[pupil], rules_.threshold,
                                rules_.approaching_percent))
        for pupil in pupil_ids}
