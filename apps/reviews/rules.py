"""Reviewing a cycle (Code 6.52-6.56): ratings, impact and the next step."""

import datetime

from django.db import models


class Rating(models.TextChoices):
    """One fixed scale for every outcome."""

    NOT_ACHIEVED = "not_achieved", "Not achieved"
    PARTLY = "partly", "Partly achieved"
    ACHIEVED = "achieved", "Achieved"
    EXCEEDED = "exceeded", "Exceeded"


# Outcomes rated below this are carried forward into the next cycle, with their history.
UNACHIEVED = frozenset({Rating.NOT_ACHIEVED, Rating.PARTLY})


class Impact(models.TextChoices):
    STRONG = "strong", "Strong impact"
    SOME = "some", "Some impact"
    LITTLE = "little", "Little or no impact"
    UNKNOWN = "unknown", "Too early to tell"


class NextStep(models.TextChoices):
    """What the review decides (Code 6.54-6.56, 6.63)."""

    CONTINUE = "continue", "Continue the current support"
    NEW_CYCLE = "new_cycle", "New cycle with revised outcomes"
    STEP_DOWN = "step_down", "Step down from SEN support"
    CONSIDER_EHC = "consider_ehc", "Consider requesting an EHC needs assessment"


# Which next steps open the pupil's next cycle when the review is closed. Support goes on
# while an EHC needs assessment is considered; stepping down ends SEN support.
OPENS_NEXT_CYCLE = frozenset({NextStep.CONTINUE, NextStep.NEW_CYCLE, NextStep.CONSIDER_EHC})
# Which carry the running provision into the next cycle (a new cycle re-plans it).
CARRIES_PROVISION = frozenset({NextStep.CONTINUE, NextStep.CONSIDER_EHC})

# A cycle closed by mistake may be reopened by the SENCO within a week of closing it, and
# only while nothing has been recorded since (selectors.reopen_refusal): long enough to
# notice a slip at the next look at the register, short enough that nobody has yet acted
# on the next cycle. After that the record stands, as a record of SEN support must (Code
# 6.72), and what changed is recorded in the current cycle.
REOPEN_WITHIN = datetime.timedelta(days=7)
REASON_MAX = 500
# Views a parent sends for a review: a long letter fits; more is not a view but a file.
VIEWS_MAX = 10_000


def missing_to_close(*, reviewed: bool, unrated: list[str], next_step: str,
                     step_down_on: datetime.date | None, next_step_reason: str) -> list[str]:
    """What must be recorded before a cycle can close: the review meeting, a rating for
    every outcome (``unrated``: those without one) and the next step, with the date and
    the reason when the pupil steps down from SEN support (Code 6.52-6.56)."""
    if not reviewed:
        return ["Record the review meeting."]
    missing = []
    if unrated:
        missing.append("Rate every outcome. Not yet rated: "
                       + "; ".join(f"“{outcome}”" for outcome in unrated) + ".")
    if not next_step:
        missing.append("Choose the next step.")
    elif next_step == NextStep.STEP_DOWN:
        if step_down_on is None:
            missing.append("Give the date SEN support ends.")
        if not next_step_reason.strip():
            missing.append("Give the reason for stepping down from SEN support.")
    return missing
