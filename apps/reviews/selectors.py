"""Read models for reviews: a cycle's review, what is missing before it can close, what
closing it will do, and whether a closed cycle may be reopened."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apps.plans.models import Cycle, DeliveredSession, Outcome, Provision, StageChange
from apps.plans.rules import Stage
from apps.pupils.models import SenProvisionRecord

from .models import OutcomeRating, ParentViews, Review
from .rules import (
    CARRIES_PROVISION,
    OPENS_NEXT_CYCLE,
    REOPEN_WITHIN,
    UNACHIEVED,
    NextStep,
)
from .rules import missing_to_close as missing


def review_for(cycle: Cycle) -> Review | None:
    return Review.objects.filter(cycle=cycle).first()


def parent_views_for(cycle: Cycle) -> list[ParentViews]:
    """The views parents sent from their pages for this cycle's review, oldest first."""
    return list(ParentViews.objects.filter(cycle=cycle).select_related("parent", "read_by"))


def missing_to_close(cycle: Cycle, review: Review | None) -> list[str]:
    """What must be recorded before the cycle can close (rules.missing_to_close)."""
    rated = set(OutcomeRating.objects.filter(outcome__cycle=cycle)
                .values_list("outcome_id", flat=True))
    return missing(
        reviewed=review is not None,
        unrated=[str(o) for o in cycle.outcomes.all() if o.pk not in rated],
        next_step=review.next_step if review else "",
        step_down_on=review.step_down_on if review else None,
        next_step_reason=review.next_step_reason if review else "")


@dataclass(frozen=True)
class ClosingPreview:
    """What closing a reviewed cycle will do (services.cycle_close), shown before it is
    confirmed."""

    cycle: Cycle
    review: Review
    carried: list[Outcome]  # outcomes carried forward into the next cycle
    continued: list[Provision]  # provision that goes on in the next cycle
    opens_next: bool

    @property
    def next_step_label(self) -> str:
        return NextStep(self.review.next_step).label

    @property
    def steps_down(self) -> bool:
        return self.review.next_step == NextStep.STEP_DOWN

    @property
    def next_number(self) -> int:
        return self.cycle.number + 1


def closing_preview(cycle: Cycle, review: Review) -> ClosingPreview:
    """Closing ``cycle`` with its ``review`` (which has everything closing needs)."""
    rated = {r.outcome_id: r.rating for r in OutcomeRating.objects.filter(review=review)}
    carried = [o for o in cycle.outcomes.all() if rated.get(o.pk) in UNACHIEVED]
    continued = (list(cycle.provisions.select_related("provision_type", "delivered_by"))
                 if review.next_step in CARRIES_PROVISION else [])
    return ClosingPreview(cycle=cycle, review=review, carried=carried, continued=continued,
                          opens_next=review.next_step in OPENS_NEXT_CYCLE)


def closing_of(cycle: Cycle) -> StageChange | None:
    """When the cycle was closed (the move to Closed recorded last), and by whom."""
    return (cycle.stage_changes.filter(stage=Stage.CLOSED).select_related("moved_by")
            .order_by("-began_at", "-pk").first())


def recorded_in(cycle: Cycle) -> list[str]:
    """What has been recorded in a cycle since it was opened by closing the one before:
    anything that reopening the closed cycle, which removes this one, would lose."""
    found = []
    if cycle.version > 1:
        found.append("its plan was changed")
    if cycle.stage != Stage.ASSESS:
        found.append(f"it moved to {Stage(cycle.stage).label}")
    if cycle.assessments.exists() or cycle.advice.exists() or cycle.files.exists():
        found.append("evidence was added")
    if DeliveredSession.objects.filter(provision__cycle=cycle).exists():
        found.append("sessions were recorded")
    if Review.objects.filter(cycle=cycle).exists():
        found.append("a review was recorded")
    if ParentViews.objects.filter(cycle=cycle).exists():
        found.append("parents sent their views")
    return found


def reopen_refusal(cycle: Cycle, now: datetime.datetime | None = None) -> str:
    """Why this closed cycle cannot be reopened (rules.REOPEN_WITHIN), or "" if it can:
    closed within the week, and nothing recorded since in the cycle its closing opened or
    on the pupil's SEN record."""
    now = now or timezone.now()
    n = cycle.number
    if not cycle.is_closed:
        return f"Cycle {n} is not closed."
    closing = closing_of(cycle)
    if closing is None or closing.began_at < now - REOPEN_WITHIN:
        when = f" on {timezone.localtime(closing.began_at):%-d %B %Y}" if closing else ""
        return (f"Cycle {n} was closed{when}. A cycle can be reopened only within "
                f"{REOPEN_WITHIN.days} days of being closed; record what has changed in "
                "the current cycle instead.")
    later = list(Cycle.objects.filter(plan_id=cycle.plan_id, number__gt=n))
    if len(later) > 1 or later and later[0].number != n + 1:
        return f"Cycle {n} is not the plan's last closed cycle."
    if later:
        following = later[0]
        if following.carried_over is None:
            return (f"Cycle {following.number} was not opened by closing cycle {n}, so "
                    f"cycle {n} cannot be reopened.")
        if found := recorded_in(following):
            return (f"Since cycle {n} closed, cycle {following.number} has been used: "
                    f"{', '.join(found)}. Reopening would lose that, so it cannot be "
                    "reopened.")
    changes = SenProvisionRecord.objects.filter(pupil_id=cycle.plan.pupil_id,
                                                recorded_at__gte=closing.began_at)
    made_by_closing = 1 if Review.objects.filter(
        cycle=cycle, next_step=NextStep.STEP_DOWN).exists() else 0
    if changes.count() != made_by_closing:
        return (f"The pupil's SEN status has been changed since cycle {n} closed, so it "
                "cannot be reopened.")
    return ""
