"""Reviewing a cycle and deciding what happens next (Code 6.52-6.56).

Closing a cycle needs its review: the meeting, a rating for every outcome and a next step.
Closing then carries out the next step: the next cycle opens with the unachieved outcomes
carried forward (and, to continue, the running provision), or the pupil steps down from
SEN support on the register. A cycle closed by mistake can be reopened for a week, while
nothing has been recorded since: the closing is undone.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import RestrictedError
from django.utils import timezone

from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.services import cycle_carry_forward, ensure_editable, enter_stage
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.pupils.services import ensure_on_roll, sen_status_change, sen_status_change_undo

from .models import OutcomeRating, ParentViews, ProvisionImpact, Review
from .rules import (
    CARRIES_PROVISION,
    OPENS_NEXT_CYCLE,
    REASON_MAX,
    UNACHIEVED,
    Impact,
    NextStep,
    Rating,
)
from .selectors import closing_of, missing_to_close, reopen_refusal, review_for

REVIEW_FIELDS = ("held_on", "attendees", "parents_attended", "pupil_views", "parent_views",
                 "next_step", "next_step_reason", "step_down_on")


@transaction.atomic
def review_save(*, cycle: Cycle, actor, ratings=None, impacts=None, **fields) -> Review:
    """Record (or update) the review of a cycle at its Review stage.

    ``ratings``: [{outcome, rating, evidence, achieved_value}] for outcomes of this cycle;
    ``impacts``: [{provision, impact, comment}] for provisions of this cycle.
    """
    ensure_editable(cycle)
    if cycle.stage != Stage.REVIEW:
        raise ValidationError({"cycle": [
            f"Cycle {cycle.number} is at {Stage(cycle.stage).label}; move it to Review "
            "before recording the review."]})
    review = review_for(cycle) or Review(school=cycle.school, cycle=cycle)
    for name, value in fields.items():
        if name not in REVIEW_FIELDS:
            raise TypeError(f"review_save() got an unexpected field {name!r}")
        setattr(review, name, value)
    errors = {}
    try:
        review.full_clean(exclude=["school", "cycle"], validate_unique=False,
                          validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    today = timezone.localdate()
    if review.held_on and review.held_on > today:
        errors.setdefault("held_on", []).append("The review meeting cannot be in the future.")
    elif review.held_on and review.held_on < cycle.opened_on:
        errors.setdefault("held_on", []).append(
            f"The review must be on or after the cycle opened on {cycle.opened_on:%-d %B %Y}.")
    if review.step_down_on and review.step_down_on > today:
        errors.setdefault("step_down_on", []).append("The date cannot be in the future.")
    outcome_ids = set(cycle.outcomes.values_list("pk", flat=True))
    provision_ids = set(cycle.provisions.values_list("pk", flat=True))
    for rating in ratings or []:
        if rating["outcome"].pk not in outcome_ids:
            errors.setdefault("ratings", []).append(
                "Rate only the outcomes of this cycle for this pupil.")
        if rating.get("rating") not in Rating.values:
            errors.setdefault("ratings", []).append("Choose a rating for each outcome.")
    for impact in impacts or []:
        if impact["provision"].pk not in provision_ids:
            errors.setdefault("impacts", []).append(
                "Record impact only for the provision of this cycle for this pupil.")
        if impact.get("impact") not in Impact.values:
            errors.setdefault("impacts", []).append("Choose the impact of each provision.")
    if errors:
        raise ValidationError(errors)
    review.save()
    for rating in ratings or []:
        OutcomeRating.objects.update_or_create(
            outcome=rating["outcome"],
            defaults={"school": cycle.school, "review": review, "rating": rating["rating"],
                      "evidence": rating.get("evidence", "") or "",
                      "achieved_value": rating.get("achieved_value")},
        )
    for impact in impacts or []:
        ProvisionImpact.objects.update_or_create(
            provision=impact["provision"],
            defaults={"school": cycle.school, "review": review, "impact": impact["impact"],
                      "comment": impact.get("comment", "") or ""},
        )
    return review


@transaction.atomic
def cycle_close(*, cycle: Cycle, actor) -> Cycle | None:
    """Close a reviewed cycle and carry out its next step. Returns the next cycle, if the
    next step opened one."""
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one closer at a time
    cycle.refresh_from_db()
    ensure_editable(cycle)
    if cycle.stage != Stage.REVIEW:
        raise ValidationError({"stage": [
            f"Cycle {cycle.number} is at {Stage(cycle.stage).label}; it must reach Review "
            "before it can be closed."]})
    review = review_for(cycle)
    missing = missing_to_close(cycle, review)
    if missing:
        raise ValidationError({"stage": missing})
    ratings = list(OutcomeRating.objects.filter(outcome__cycle=cycle).select_related("outcome"))
    unachieved = [rating.outcome for rating in ratings if rating.rating in UNACHIEVED]
    cycle.rated_outcomes, cycle.unachieved_outcomes = len(ratings), len(unachieved)
    enter_stage(cycle=cycle, actor=actor, stage=Stage.CLOSED, closed_on=review.held_on)
    pupil = cycle.plan.pupil
    if review.next_step == NextStep.STEP_DOWN:
        sen_status_change(pupil=pupil, actor=actor, status=SenStatus.NO_SEN,
                          on=review.step_down_on, reason=review.next_step_reason.strip())
        return None
    if review.next_step in OPENS_NEXT_CYCLE:
        return cycle_carry_forward(previous=cycle, actor=actor, opened_on=review.held_on,
                                   outcomes=unachieved,
                                   carry_provision=review.next_step in CARRIES_PROVISION)
    return None


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, actor, reason: str) -> Cycle:
    """Undo the closing of ``cycle`` (selectors.reopen_refusal says when it may be): the
    cycle its closing opened goes, the provision it carried on ends again as it did
    before, a step down from SEN support is taken back, and the cycle is at Review again
    with the reason recorded. Every row changed or removed is in the audit trail."""
    # One change to the plan's cycles at a time: a closing, a reopening, a new cycle.
    list(Cycle.objects.select_for_update().filter(plan_id=cycle.plan_id))
    cycle.refresh_from_db()
    pupil = cycle.plan.pupil
    ensure_on_roll(pupil)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the cycle is being reopened."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"The reason must be {REASON_MAX} characters or "
                                          "fewer."]})
    if refused := reopen_refusal(cycle):
        raise ValidationError(refused, code="conflict")
    closing = closing_of(cycle)
    following = Cycle.objects.filter(plan_id=cycle.plan_id, number=cycle.number + 1).first()
    ended_before = following.carried_over if following else {}
    if following is not None:
        try:
            following.delete()
        except RestrictedError:
            raise ValidationError(
                f"Cycle {following.number} has been shared with the parents since cycle "
                f"{cycle.number} closed, so it cannot be reopened.", code="conflict") from None
    stepped_down = SenProvisionRecord.objects.filter(
        pupil=pupil, ended_on__isnull=True, status=SenStatus.NO_SEN,
        recorded_at__gte=closing.began_at).first()
    if stepped_down is not None:
        sen_status_change_undo(record=stepped_down, actor=actor)
    enter_stage(cycle=cycle, actor=actor, stage=Stage.REVIEW, reason=reason)
    for provision in cycle.provisions.filter(pk__in=[int(pk) for pk in ended_before]):
        end = ended_before[str(provision.pk)]
        provision.end_date = datetime.date.fromisoformat(end) if end else None
        provision.save(update_fields=["end_date"])
    return cycle


@transaction.atomic
def parent_views_read(*, cycle: Cycle, actor) -> int:
    """Mark the parents' views sent for this cycle's review as read by ``actor``: they are
    no longer new. Returns how many were new."""
    return ParentViews.objects.filter(cycle=cycle, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor)
