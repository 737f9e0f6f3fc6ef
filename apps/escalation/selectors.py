"""Signals that a pupil may need an EHC needs assessment, with reasons and the records
behind them; and the state of requests against the statutory clock. Set-based: a fixed
number of queries for any number of pupils."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from apps.money.selectors import PupilSpend, spend_by_pupil
from apps.plans.models import Cycle, Provision, SpecialistAdvice
from apps.plans.rules import Stage
from apps.reviews.models import OutcomeRating
from apps.reviews.rules import UNACHIEVED, Rating

from . import rules
from .models import EhcRequest, ParentAsk


@dataclass(frozen=True)
class Record:
    """A record behind a signal: ``kind`` is cycle, advice, spend, request or ask."""

    kind: str
    id: int
    label: str


@dataclass(frozen=True)
class Signal:
    code: str
    reason: str
    records: tuple[Record, ...] = ()


@dataclass
class Readiness:
    signals: list[Signal] = field(default_factory=list)

    @property
    def recommendation(self) -> str:
        return rules.recommendation([signal.code for signal in self.signals])


def readiness_by_pupil(pupils: QuerySet, school, today: datetime.date | None = None,
                       spend: dict[int, PupilSpend] | None = None) -> dict[int, Readiness]:
    """``spend``: the pupils' ``spend_by_pupil`` for today, where the caller has it
    already (the register shows both)."""
    today = today or timezone.localdate()
    ids = list(pupils.values_list("pk", flat=True))
    found = {pk: Readiness() for pk in ids}

    unsuccessful: dict[int, list[tuple[int, int]]] = {}
    for pk, pupil, number in unsuccessful_cycles(ids).values_list("pk", "plan__pupil", "number"):
        unsuccessful.setdefault(pupil, []).append((pk, number))
    for pk, cycles in unsuccessful.items():
        if len(cycles) >= rules.UNSUCCESSFUL_CYCLES:
            numbers = ", ".join(str(number) for _, number in cycles)
            found[pk].signals.append(Signal(
                "cycles", f"{len(cycles)} completed cycles with most outcomes not achieved "
                          f"(cycle{'s' if len(cycles) > 1 else ''} {numbers}).",
                tuple(Record("cycle", cycle, f"Cycle {number}") for cycle, number in cycles)))

    for pk, advice in _latest(SpecialistAdvice.objects.filter(cycle__plan__pupil__in=ids)
                              .select_related("cycle__plan").order_by("date"),
                              lambda a: a.cycle.plan.pupil_id).items():
        found[pk].signals.append(Signal(
            "advice", f"Specialist advice on file: {advice.get_source_display().lower()}, "
                      f"{advice.date:%-d %B %Y}.",
            (Record("cycle", advice.cycle_id, f"Cycle {advice.cycle.number}"),)))

    if spend is None:
        spend = spend_by_pupil(pupils, school, today)
    for pk in ids:
        s = spend[pk]
        if s.state == "over" or s.top_up_income > 0:
            reason = (f"Projected cost this year £{s.projected:,.2f}, above the £"
                      f"{s.threshold:,.2f} met from the school's notional SEN budget")
            if s.top_up_income:
                reason += f"; top-up of £{s.top_up_income:,.2f} approved"
            found[pk].signals.append(Signal("spend", reason + ".",
                                            (Record("spend", pk, "Cost of support"),)))

    # From each provision's tally: a pupil's years of sessions are not added up again.
    hours = dict(Provision.objects.filter(cycle__plan__pupil__in=ids, delivered_minutes__gt=0)
                 .values("cycle__plan__pupil").annotate(m=Sum("delivered_minutes"))
                 .values_list("cycle__plan__pupil", "m"))
    ratings = {r["outcome__cycle__plan__pupil"]: r for r in OutcomeRating.objects.filter(
        outcome__cycle__plan__pupil__in=ids).values("outcome__cycle__plan__pupil").annotate(
        n=Count("pk"), achieved=Count("pk", filter=Q(rating__in=[Rating.ACHIEVED,
                                                                 Rating.EXCEEDED])))}
    for pk, minutes in hours.items():
        rated = ratings.get(pk)
        if (minutes / 60 >= rules.MUCH_PROVISION_HOURS and rated and rated["n"]
                and rated["achieved"] / rated["n"] < rules.LITTLE_PROGRESS_SHARE):
            found[pk].signals.append(Signal(
                "dose", f"{minutes / 60:.0f} hours of additional support delivered, with "
                        f"{rated['achieved']} of {rated['n']} outcomes achieved.", ()))

    asks = _latest(ParentAsk.objects.filter(pupil__in=ids).order_by("asked_on"),
                   lambda a: a.pupil_id)
    parent_requests = _latest(EhcRequest.objects.filter(
        pupil__in=ids, requester=rules.Requester.PARENT).order_by("received_on"),
        lambda r: r.pupil_id)
    for pk in set(asks) | set(parent_requests):
        ask = asks.get(pk)
        request = parent_requests.get(pk)
        when = ask.asked_on if ask else request.received_on
        found[pk].signals.append(Signal(
            "parents", f"The parents asked for an EHC needs assessment ({when:%-d %B %Y}).",
            (Record("request", request.pk, "Their request"),) if request else ()))
    return found


def unsuccessful_cycles(pupil_ids) -> QuerySet[Cycle]:
    """Closed cycles of these pupils in which most rated outcomes were not achieved,
    oldest first: counted and compared in the database, one row per such cycle."""
    return (Cycle.objects.filter(plan__pupil__in=pupil_ids, stage=Stage.CLOSED)
            .alias(rated=Count("outcomes__ratings"),
                   unachieved=Count("outcomes__ratings",
                                    filter=Q(outcomes__ratings__rating__in=UNACHIEVED)))
            .alias(twice_unachieved=F("unachieved") * 2)
            .filter(rated__gt=0, twice_unachieved__gt=F("rated"))
            .order_by("number", "pk"))


def _latest(queryset, pupil_of) -> dict:
    """The last row per pupil (rows in the queryset's order)."""
    return {pupil_of(row): row for row in queryset}


@dataclass(frozen=True)
class Clock:
    """Where a request stands against its statutory dates."""

    due: str
    due_on: datetime.date | None
    missed: bool


def clock(request: EhcRequest, today: datetime.date | None = None) -> Clock:
    today = today or timezone.localdate()
    if request.status == rules.RequestStatus.REQUESTED:
        return Clock("LA decision whether to assess", request.decide_by,
                     today > request.decide_by)
    if request.status == rules.RequestStatus.ASSESSING:
        return Clock("Final EHC plan (or notice that none will be issued by week 16)",
                     request.final_plan_by, today > request.final_plan_by)
    return Clock("Nothing due", None, False)


def open_requests() -> QuerySet[EhcRequest]:
    return EhcRequest.objects.filter(status__in=rules.OPEN).select_related("pupil")
