"""Reviewing a cycle (Code 6.52-6.56): ratings, impact and the next step."""

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
