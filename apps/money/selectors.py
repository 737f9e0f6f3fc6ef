"""What each pupil's support costs in a budget year, costed provision by provision with
``costing``: a fixed number of queries for any number of pupils."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from apps.plans.models import DeliveredSession, Provision
from apps.plans.rules import SessionStatus
from apps.schools.calendar import Period, SchoolCalendar
from apps.schools.term_dates import school_calendar

from . import rules
from .costing import (
    ProvisionCost,
    Rates,
    RateTimeline,
    Timetable,
    budget_year,
    minutes_cost,
    provision_cost,
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
    """A budget year and the figures that apply to it: those in force on its first day,
    the rates as they change, and the school's calendar (its school weeks)."""

    period: Period
    threshold: Decimal
    approaching_percent: int
    rates: RateTimeline
    calendar: SchoolCalendar

    @property
    def school_weeks(self) -> Fraction:
        return self.calendar.school_weeks(self.period)

    @property
    def default_calendar(self) -> bool:
        """Whether a school year of it has no term dates entered (the pages say so)."""
        return self.calendar.uses_default(self.period)


def year_rules(school, day: datetime.date | None = None,
               history: list[CostSettings] | None = None) -> YearRules:
    day = day or timezone.localdate()
    history = history or settings_history(school)
    period = budget_year(day, settings_on(history, day).budget_year)
    at_start = settings_on(history, period.start)
    return YearRules(period, at_start.threshold, at_start.approaching_percent,
                     rate_timeline(history), school_calendar(school))


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
# What ends a provision sooner than its end date: its cycle closing, the pupil leaving.
ENDED_BY = ("cycle__closed_on", "cycle__plan__pupil__left_on")


def timetable(row: dict) -> Timetable:
    """A provision's timetable from a ``values()`` row of it (TIMETABLE_FIELDS and
    ENDED_BY): it runs to its end date, or to the day its cycle closed or its pupil left,
    if sooner."""
    end = min((day for day in (row["end_date"], *(row[name] for name in ENDED_BY)) if day),
              default=None)
    return Timetable(*(row[name] for name in TIMETABLE_FIELDS[:-1]), end)


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


@dataclass(frozen=True)
class CostedProvision:
    """A provision running in the budget year (its ``values()`` row), and its costs."""

    row: dict
    timetable: Timetable
    cost: ProvisionCost


def costed_provisions(provisions: QuerySet[Provision], rules_: YearRules,
                      today: datetime.date, *fields: str) -> list[CostedProvision]:
    """Every one of ``provisions`` that runs in the budget year, costed (costing.py): the
    one place any figure of money for provision comes from. ``fields``: more of each
    provision to read with it. Two queries."""
    year = rules_.period
    running = provisions.filter(Q(end_date__isnull=True) | Q(end_date__gte=year.start),
                                start_date__lte=year.end)
    rows = list(running.values("id", *TIMETABLE_FIELDS, *ENDED_BY, *fields))
    timetables = {row["id"]: timetable(row) for row in rows}
    delivered = delivered_costs(running, timetables, Period(year.start, min(today, year.end)),
                                rules_.rates)
    return [CostedProvision(row, timetables[row["id"]], provision_cost(
        timetables[row["id"]], year, today, rules_.calendar, rules_.rates,
        delivered.get(row["id"], Fraction(0)))) for row in rows]


@dataclass
class PupilSpend:
    """A pupil's additional support in one budget year, against the element 2 threshold:
    the sums of their provisions' figures (costed_provisions)."""

    planned: Decimal
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
    """Planned, spent to date (delivered), committed (still planned to each provision's
    end) and projected (the two together), and the state, for each pupil, in four
    queries."""
    today = today or timezone.localdate()
    rules_ = rules_ or year_rules(school, today)
    zero = Decimal("0.00")
    planned, spent, projected = ({pk: zero for pk in pupil_ids} for _ in range(3))
    for item in costed_provisions(Provision.objects.filter(cycle__plan__pupil__in=pupil_ids),
                                  rules_, today, "cycle__plan__pupil_id"):
        pupil = item.row["cycle__plan__pupil_id"]
        planned[pupil] += item.cost.planned
        spent[pupil] += item.cost.delivered
        projected[pupil] += item.cost.projected
    income = dict(
        TopUpRequest.objects.filter(pupil__in=pupil_ids, year_start=rules_.period.start,
                                    status=rules.TopUpStatus.APPROVED)
        .values("pupil").annotate(total=Sum("approved_amount")).values_list("pupil", "total")
    )
    return {pupil: PupilSpend(
        planned=planned[pupil], spent=spent[pupil], committed=projected[pupil] - spent[pupil],
        projected=projected[pupil], threshold=rules_.threshold,
        top_up_income=income.get(pupil) or zero,
        state=rules.spend_state(Fraction(projected[pupil]), rules_.threshold,
                                rules_.approaching_percent))
        for pupil in pupil_ids}
