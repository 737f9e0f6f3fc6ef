"""Annual reviews of EHC plans (SEND Regulations 2014 regs 18-22; Code 9.166-9.185): when
each pupil's next review is due, the dates of a review's steps, and recording a review.

A pupil holds a plan while their open SEN record is E; the plan's issue is that record's
start (the LA's decision to issue puts it there; a school entering an older plan corrects
the status with its date). The next review is due within 12 months (6 for a child under
5) of the plan's issue or of the last review meeting held (rules.annual_review_due)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.pupils.services import ensure_on_roll

from . import rules
from .models import AnnualReview

# A review due within this many days is listed as due soon.
DUE_SOON = datetime.timedelta(weeks=8)
OUTCOME_FIELDS = ("outcome", "progress")


@dataclass(frozen=True)
class Step:
    """One of a review's dated steps."""

    label: str
    due_on: datetime.date
    done_on: datetime.date | None
    today: datetime.date

    @property
    def missed(self) -> bool:
        return (self.done_on or self.today) > self.due_on


def steps(review: AnnualReview, today: datetime.date | None = None) -> list[Step]:
    """The review's dates: invitations and advice 2 weeks before the meeting, the report
    to the LA within 2 weeks after it, the LA's decision within 4 weeks of it, and at a
    transfer the amended plan by 15 February (31 March for post-16)."""
    today = today or timezone.localdate()
    meeting = review.meeting_on
    found = [
        Step("Invitations and advice sent", meeting - rules.INVITE_BEFORE,
             review.invitations_sent_on, today),
        Step("The review meeting", meeting, meeting if review.held else None, today),
        Step("The report sent to the local authority", meeting + rules.REPORT_WITHIN,
             review.report_sent_on, today),
        Step("The local authority's decision", meeting + rules.LA_DECIDES_WITHIN,
             review.decision_on, today),
    ]
    transfer = rules.transfer_due(meeting_on=meeting, transfer=review.transfer)
    if transfer:
        amended = review.decision_on if review.decision == rules.ReviewDecision.AMEND else None
        found.append(Step("The amended plan, before the move", transfer, amended, today))
    return found


class Standing:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PLANNED = "planned"
    ON_TRACK = "on_track"


@dataclass(frozen=True)
class PlanReview:
    """Where a pupil's EHC plan stands against its annual review."""

    pupil: Pupil
    plan_since: datetime.date
    last_held: AnnualReview | None
    planned: AnnualReview | None
    due_on: datetime.date
    standing: str


def plan_reviews(pupils, today: datetime.date | None = None) -> list[PlanReview]:
    """Each of ``pupils`` (a queryset) who holds an EHC plan, with their next review's due
    date, most urgent first: overdue, then due within 8 weeks and not yet planned, then
    planned, then the rest. Two queries."""
    today = today or timezone.localdate()
    plans = dict(SenProvisionRecord.objects.filter(
        pupil__in=pupils, ended_on__isnull=True, status=SenStatus.EHC_PLAN)
        .values_list("pupil", "started_on"))
    held: dict[int, AnnualReview] = {}
    planned: dict[int, AnnualReview] = {}
    for review in AnnualReview.objects.filter(pupil__in=plans).order_by("meeting_on", "pk"):
        since = plans[review.pupil_id]
        if review.held and review.meeting_on >= since:
            held[review.pupil_id] = review  # the latest, as they come in date order
        elif not review.held and review.meeting_on >= today:
            planned.setdefault(review.pupil_id, review)  # the next
    found = []
    for pupil in pupils.filter(pk__in=plans):
        last = held.get(pupil.pk)
        since = last.meeting_on if last else plans[pupil.pk]
        due = rules.annual_review_due(since=since, date_of_birth=pupil.date_of_birth)
        coming = planned.get(pupil.pk)
        if today > due:
            standing = Standing.OVERDUE
        elif coming:
            standing = Standing.PLANNED
        elif due - today <= DUE_SOON:
            standing = Standing.DUE_SOON
        else:
            standing = Standing.ON_TRACK
        found.append(PlanReview(pupil, plans[pupil.pk], last, coming, due, standing))
    order = [Standing.OVERDUE, Standing.DUE_SOON, Standing.PLANNED, Standing.ON_TRACK]
    return sorted(found, key=lambda r: (order.index(r.standing), r.due_on))


def _outcomes(rows) -> tuple[list[dict], list[str]]:
    kept, problems = [], []
    for number, row in enumerate(rows or [], start=1):
        outcome = (row.get("outcome") or "").strip()
        progress = (row.get("progress") or "").strip()
        if progress and not outcome:
            problems.append(f"Outcome {number}: write the outcome the progress is against.")
        elif outcome:
            kept.append({"outcome": outcome, "progress": progress})
    return kept, problems


@transaction.atomic
def annual_review_save(*, pupil: Pupil, actor, review: AnnualReview | None = None,
                       **fields) -> AnnualReview:
    """Plan or record an annual review of the pupil's EHC plan, or change one. Refused,
    naming each field, for a pupil without a plan, a meeting before the plan was issued,
    a held meeting in the future, a step dated in the future or out of order, or a
    decision without its date."""
    ensure_on_roll(pupil)
    plan = (SenProvisionRecord.objects.filter(pupil=pupil, ended_on__isnull=True,
                                              status=SenStatus.EHC_PLAN).first())
    if plan is None:
        raise ValidationError({"meeting_on": [f"{pupil.full_name} does not hold an EHC plan: "
                                              "there is no annual review to record."]})
    review = review or AnnualReview(school=pupil.school, pupil=pupil, recorded_by=actor)
    outcomes, outcome_problems = _outcomes(fields.pop("outcomes", review.outcomes))
    for name, value in fields.items():
        setattr(review, name, value)
    review.outcomes = outcomes
    errors: dict[str, list[str]] = {}
    if outcome_problems:
        errors["outcomes"] = outcome_problems
    today, meeting = timezone.localdate(), review.meeting_on
    if meeting is None:
        errors["meeting_on"] = ["Enter the date of the review meeting."]
    elif meeting < plan.started_on:
        errors["meeting_on"] = [f"The review must be on or after {plan.started_on:%-d %B %Y}, "
                                "when the plan was issued."]
    elif review.held and meeting > today:
        errors["meeting_on"] = ["A meeting in the future cannot be recorded as held."]
    for name in ("invitations_sent_on", "report_sent_on", "decision_on"):
        value = getattr(review, name)
        if value and value > today:
            errors.setdefault(name, []).append("The date cannot be in the future.")
        elif value and meeting and name != "invitations_sent_on" and value < meeting:
            errors.setdefault(name, []).append(
                f"The date must be on or after the meeting, {meeting:%-d %B %Y}.")
        elif value and meeting and name == "invitations_sent_on" and value > meeting:
            errors.setdefault(name, []).append(
                f"The date must be on or before the meeting, {meeting:%-d %B %Y}.")
    if review.decision and not review.decision_on:
        errors.setdefault("decision_on", []).append("Enter the date of the decision.")
    if review.decision_on and not review.decision:
        errors.setdefault("decision", []).append("Choose the local authority's decision.")
    if (review.report_sent_on or review.decision) and not review.held:
        errors.setdefault("held", []).append(
            "Record the meeting as held before its report or decision.")
    if errors:
        raise ValidationError(errors)
    review.save()
    return review
