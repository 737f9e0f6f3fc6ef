"""Read models for reviews: a cycle's review, and what is missing before it can close."""

from apps.plans.models import Cycle

from .models import OutcomeRating, Review
from .rules import missing_to_close as missing


def review_for(cycle: Cycle) -> Review | None:
    return Review.objects.filter(cycle=cycle).first()


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
