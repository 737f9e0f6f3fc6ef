"""Signals that a pupil may need an EHC needs assessment, with reasons and the records
behind them; and the state of requests against the statutory clock. Set-based: a fixed
number of queries for any number of pupils."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from apps.money.selectors import PupilSpend, spend_by_pupil
from apps.plans.models import Cycle, SpecialistAdvice
from apps.plans.rules import AdviceSource, Stage
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.reviews.models import OutcomeRating
from apps.reviews.rules import UNACHIEVED

from . import rules
from .models import ClockException, EhcRequest, ParentAsk


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
    plan_since: datetime.date | None = None  # holds an EHC plan, since
    requested_on: datetime.date | None = None  # a request is open, received on

    @property
    def recommendation(self) -> str:
        return rules.recommendation([signal.code for signal in self.signals],
                                    holds_plan=self.plan_since is not None,
                                    request_open=self.requested_on is not None)

    def no_assessment_because(self, pupil) -> str:
        """Why a needs assessment is not a question for this pupil now, or "": not while
        they hold a plan, nor while a request waits for the local authority."""
        if self.plan_since:
            return (f"{pupil.full_name} holds an EHC plan (since {self.plan_since:%-d %B %Y}): "
                    "it is reviewed at least every 12 months at its annual review, not by a "
                    "new needs assessment.")
        if self.requested_on:
            return (f"A request for {pupil.full_name}'s EHC needs assessment is with the "
                    f"local authority (received {self.requested_on:%-d %B %Y}).")
        return ""


def readiness_by_pupil(pupil_ids: list[int], school, today: datetime.date | None = None,
                       spend: dict[int, PupilSpend] | None = None) -> dict[int, Readiness]:
    """The signals for each pupil, each with its reason and the records behind it.
    ``spend``: the pupils' ``spend_by_pupil`` for today, where the caller has it already
    (the register shows both)."""
    today = today or timezone.localdate()
    found = {pk: Readiness() for pk in pupil_ids}
    cycles = cycle_summaries(pupil_ids)
    history: dict[int, list[CycleSummary]] = {pk: [] for pk in pupil_ids}
    for cycle in cycles:
        history[cycle.pupil].append(cycle)
    evidence = latest_outside_evidence(pupil_ids)
    if spend is None:
        spend = spend_by_pupil(pupil_ids, school, today)
    for pk, readiness in found.items():
        plan, request = evidence["plan"].get(pk), evidence["open_request"].get(pk)
        readiness.plan_since = plan.on if plan else None
        readiness.requested_on = request.on if request else None
        if plan:
            continue  # no signals for an assessment: the annual review is the route
        readiness.signals = [signal for signal in (
            unsuccessful_cycles_signal(history[pk]),
            advice_signal(evidence["advice"].get(pk)),
            spend_signal(pk, spend[pk]),
            dose_signal(history[pk]),
            parents_signal(evidence["ask"].get(pk), evidence["request"].get(pk)),
        ) if signal is not None]
    return found


def unsuccessful_cycles_signal(cycles: list["CycleSummary"]) -> Signal | None:
    failed = [cycle for cycle in cycles if cycle.unsuccessful]
    if len(failed) < rules.UNSUCCESSFUL_CYCLES:
        return None
    numbers = ", ".join(str(cycle.number) for cycle in failed)
    return Signal(rules.SignalCode.CYCLES,
                  f"{len(failed)} completed cycles with most outcomes not achieved "
                  f"(cycle{'s' if len(failed) > 1 else ''} {numbers}).",
                  tuple(Record("cycle", cycle.id, f"Cycle {cycle.number}") for cycle in failed))


def advice_signal(advice: "Evidence | None") -> Signal | None:
    if advice is None:
        return None
    source = AdviceSource(advice.source).label.lower()
    return Signal(rules.SignalCode.ADVICE,
                  f"Specialist advice on file: {source}, {advice.on:%-d %B %Y}.",
                  (Record("cycle", advice.record, f"Cycle {advice.cycle_number}"),))


def spend_signal(pupil_id: int, spend: PupilSpend) -> Signal | None:
    if not spend.over_threshold and not spend.top_up_income:
        return None
    reason = (f"Projected cost this year £{spend.projected:,.2f}, above the "
              f"£{spend.threshold:,.2f} met from the school's notional SEN budget")
    if spend.top_up_income:
        reason += f"; top-up of £{spend.top_up_income:,.2f} approved"
    return Signal(rules.SignalCode.SPEND, reason + ".",
                  (Record("spend", pupil_id, "Cost of support"),))


def dose_signal(cycles: list["CycleSummary"]) -> Signal | None:
    minutes = sum(cycle.delivered_minutes for cycle in cycles)
    rated = sum(cycle.rated for cycle in cycles)
    achieved = sum(cycle.achieved for cycle in cycles)
    if not rules.much_provision_little_progress(minutes=minutes, rated=rated,
                                                achieved=achieved):
        return None
    return Signal(rules.SignalCode.DOSE,
                  f"{minutes / 60:.0f} hours of additional support delivered, with "
                  f"{achieved} of {rated} outcomes achieved.")


def parents_signal(ask: "Evidence | None", request: "Evidence | None") -> Signal | None:
    if ask is None and request is None:
        return None
    when = ask.on if ask else request.on
    return Signal(rules.SignalCode.PARENTS,
                  f"The parents asked for an EHC needs assessment ({when:%-d %B %Y}).",
                  (Record("request", request.record, "Their request"),) if request else ())


@dataclass(frozen=True)
class Evidence:
    """A record from outside the school's own reviews: specialist advice (``record`` is the
    cycle it is filed with), or the parents' ask or request (``record`` is the ask's or the
    request's id)."""

    on: datetime.date
    record: int
    cycle_number: int | None  # advice only
    source: str  # advice only


def latest_outside_evidence(pupil_ids) -> dict[str, dict[int, Evidence]]:
    """Each pupil's latest specialist advice on file (``"advice"``), parents' ask for an EHC
    needs assessment (``"ask"``) and request of their own to the LA (``"request"``); and
    where they stand: a request open, whoever made it (``"open_request"``), an EHC plan held
    (``"plan"``, since the plan's SEN record began). One query (UNION ALL) for all five."""
    columns = ("kind", "pupil", "on", "record", "cycle_number", "source")
    no_cycle = {"cycle_number": Value(None, output_field=IntegerField()), "source": Value("")}
    advice = SpecialistAdvice.objects.filter(cycle__plan__pupil__in=pupil_ids).annotate(
        kind=Value("advice"), pupil=F("cycle__plan__pupil"), on=F("date"),
        record=F("cycle_id"), cycle_number=F("cycle__number"))
    asks = ParentAsk.objects.filter(pupil__in=pupil_ids).annotate(
        kind=Value("ask"), on=F("asked_on"), record=F("pk"), **no_cycle)
    requests = EhcRequest.objects.filter(
        pupil__in=pupil_ids, requester=rules.Requester.PARENT).annotate(
        kind=Value("request"), on=F("received_on"), record=F("pk"), **no_cycle)
    open_ = EhcRequest.objects.filter(pupil__in=pupil_ids, status__in=rules.OPEN).annotate(
        kind=Value("open_request"), on=F("received_on"), record=F("pk"), **no_cycle)
    plans = SenProvisionRecord.objects.filter(
        pupil__in=pupil_ids, ended_on__isnull=True, status=SenStatus.EHC_PLAN).annotate(
        kind=Value("plan"), on=F("started_on"), record=F("pk"), **no_cycle)
    rows = (advice.order_by().values_list(*columns)
            .union(*(each.order_by().values_list(*columns)
                     for each in (asks, requests, open_, plans)), all=True)
            .order_by("on", "record"))
    latest: dict[str, dict[int, Evidence]] = {
        "advice": {}, "ask": {}, "request": {}, "open_request": {}, "plan": {}}
    for kind, pupil, *fields in rows:  # oldest first: the last one of each kind stays
        latest[kind][pupil] = Evidence(*fields)
    return latest


@dataclass(frozen=True)
class CycleSummary:
    """What one of a pupil's cycles adds to the evidence: how its outcomes were rated at
    its review, and how much of its provision was delivered."""

    id: int
    pupil: int
    number: int
    stage: str
    rated: int
    unachieved: int  # rated not achieved or partly achieved
    delivered_minutes: int

    @property
    def achieved(self) -> int:
        return self.rated - self.unachieved

    @property
    def unsuccessful(self) -> bool:
        return rules.cycle_unsuccessful(closed=self.stage == Stage.CLOSED, rated=self.rated,
                                        unachieved=self.unachieved)


def cycle_summaries(pupil_ids) -> list[CycleSummary]:
    """Every cycle of these pupils, oldest first: one query for any number of pupils and
    years. A closed cycle's rating counts were kept when it closed and its delivered minutes
    are kept as sessions are recorded; a cycle still at Review has its ratings so far
    counted, by subqueries the database runs for those cycles only; other open cycles have
    none."""
    so_far = OutcomeRating.objects.filter(outcome__cycle=OuterRef("pk")).order_by().values(
        "outcome__cycle")

    def ratings(kept: str, **only) -> Case:
        counted = so_far.annotate(n=Count("pk", **only)).values("n")
        return Case(When(stage=Stage.REVIEW, then=Subquery(counted)), default=F(kept),
                    output_field=IntegerField())

    rows = (Cycle.objects.filter(plan__pupil__in=pupil_ids)
            .annotate(rated=ratings("rated_outcomes"),
                      unachieved=ratings("unachieved_outcomes",
                                         filter=Q(rating__in=UNACHIEVED)))
            .values_list("pk", "plan__pupil", "number", "stage", "rated", "unachieved",
                         "delivered_minutes")
            .order_by("number", "pk"))
    return [CycleSummary(pk, pupil, number, stage, rated or 0, unachieved or 0, minutes)
            for pk, pupil, number, stage, rated, unachieved, minutes in rows]


@dataclass(frozen=True)
class DeadlineState:
    """One of a request's dates: what is due, by whom, when, and whether it was met."""

    kind: str
    due_on: datetime.date
    whose: str  # "the local authority", "the school", "the family"
    done_on: datetime.date | None
    exception: ClockException | None
    today: datetime.date

    @property
    def label(self) -> str:
        return rules.Deadline(self.kind).label

    @property
    def expected_on(self) -> datetime.date:
        """The due date, moved on by the length of an exception recorded against it."""
        return self.due_on + self.exception.length if self.exception else self.due_on

    @property
    def missed(self) -> bool:
        return (self.done_on or self.today) > self.expected_on

    @property
    def annotation(self) -> str:
        """The exception in words, or ""."""
        e = self.exception
        if e is None:
            return ""
        return (f"Exception (reg {e.regulation}): {e.get_reason_display().lower()}, "
                f"{e.starts_on:%-d %B %Y} to {e.ends_on:%-d %B %Y}. Expected by "
                f"{self.expected_on:%-d %B %Y}.")


def deadlines(request: EhcRequest, today: datetime.date | None = None,
              exceptions: list[ClockException] | None = None) -> list[DeadlineState]:
    """The request's dates so far, in order (rules.Deadline): the LA's decision whether to
    assess; the school's advice once asked for; week 16 and week 20 once the LA assesses;
    the comments on a draft plan once one is sent. ``exceptions``: the request's, where
    the caller has read them."""
    today = today or timezone.localdate()
    if exceptions is None:
        exceptions = list(request.exceptions.all())
    against = {e.deadline: e for e in exceptions}
    Deadline, Status = rules.Deadline, rules.RequestStatus
    la, school, family = "the local authority", "the school", "the family"
    steps = [(Deadline.DECIDE, request.decide_by, la, request.assessment_decided_on)]
    if request.advice_requested_on:
        steps.append((Deadline.ADVICE, request.advice_requested_on + rules.GIVE_ADVICE, school,
                      request.advice_sent_on))
    assessed = request.status in (Status.ASSESSING, Status.ISSUED, Status.NOT_ISSUED)
    if assessed:
        not_issued = request.plan_decided_on if request.status == Status.NOT_ISSUED else None
        steps.append((Deadline.WEEK_16, request.not_issue_notice_by, la,
                      request.draft_plan_on or not_issued))
    if request.draft_plan_on:
        steps.append((Deadline.COMMENTS, request.draft_plan_on + rules.COMMENT_ON_DRAFT,
                      family, request.comments_sent_on))
    if assessed and request.status != Status.NOT_ISSUED:
        steps.append((Deadline.FINAL, request.final_plan_by, la,
                      request.plan_decided_on if request.status == Status.ISSUED else None))
    return sorted((DeadlineState(kind, due_on, whose, done_on, against.get(kind), today)
                   for kind, due_on, whose, done_on in steps), key=lambda d: d.due_on)


@dataclass(frozen=True)
class Clock:
    """Where a request stands: its next date not yet met, whether it is missed, and the
    exception that explains it if one is recorded."""

    due: str
    due_on: datetime.date | None
    missed: bool
    annotation: str = ""


def clock(request: EhcRequest, today: datetime.date | None = None,
          exceptions: list[ClockException] | None = None,
          dates: list[DeadlineState] | None = None) -> Clock:
    """The request's next date, and whether it is missed. ``dates``: its deadlines, where
    the caller has them already."""
    if request.status not in rules.OPEN:
        return Clock("Nothing due", None, False)
    if dates is None:
        dates = deadlines(request, today, exceptions)
    waiting = [d for d in dates if d.done_on is None]
    if not waiting:
        return Clock("Nothing due", None, False)
    late = [d for d in waiting if d.missed]
    first = late[0] if late else waiting[0]
    return Clock(first.label, first.expected_on, first.missed, first.annotation)


def open_requests(requests: QuerySet[EhcRequest] | None = None) -> QuerySet[EhcRequest]:
    """Those of ``requests`` (default: the school's) still waiting for the LA."""
    requests = EhcRequest.objects.all() if requests is None else requests
    return (requests.filter(status__in=rules.OPEN).select_related("pupil")
            .prefetch_related("exceptions"))
