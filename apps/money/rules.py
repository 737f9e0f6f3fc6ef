"""Funding rules (seeds 000 "Funding for SEN Support"; Code 6.76 for the provision map).

Element 2: a mainstream school meets the first £6,000 a year of a pupil's additional
support from its notional SEN budget, "equivalent to approximately 11.8 hours teaching
assistant time per week". Element 3: top-up from the local authority above that. The
figure and the rates are set per school; the defaults are here.
"""

from decimal import Decimal
from fractions import Fraction

from django.db import models

ELEMENT_2_THRESHOLD = Decimal("6000.00")
APPROACHING_PERCENT = 80  # "approaching" from this share of the threshold
# Figures about fewer pupils than this say little about an intervention: the page says so
# beside them (what_works.py).
FEW_PUPILS = 5
DEFAULT_RATES = {  # per hour, including on-costs; every school should set its own
    "teacher": Decimal("38.00"),
    "ta": Decimal("13.04"),
    "specialist": Decimal("55.00"),
}

# Bounds, stated so that an error can say them.
MIN_RATE, MAX_RATE = Decimal("0.01"), Decimal("250.00")
MIN_THRESHOLD, MAX_THRESHOLD = Decimal("1.00"), Decimal("100000.00")
MIN_PERCENT, MAX_PERCENT = 1, 99


class BudgetYear(models.TextChoices):
    """When the school's SEN budget year starts: academies use the academic year, maintained
    schools the financial year."""

    ACADEMIC = "academic", "Academic year (1 September to 31 August)"
    FINANCIAL = "financial", "Financial year (1 April to 31 March)"


YEAR_STARTS = {BudgetYear.ACADEMIC: (9, 1), BudgetYear.FINANCIAL: (4, 1)}


class SpendState(models.TextChoices):
    UNDER = "under", "Under"
    APPROACHING = "approaching", "Approaching"
    OVER = "over", "Over"


def spend_state(projected: Fraction, threshold: Decimal, approaching_percent: int) -> str:
    """Over the threshold (top-up may be requested), approaching it (from
    ``approaching_percent`` of it), or under it."""
    if projected > threshold:
        return SpendState.OVER
    if projected * 100 >= Fraction(threshold) * approaching_percent:
        return SpendState.APPROACHING
    return SpendState.UNDER


class TopUpStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Which moves a top-up request may make: drafted by the school, sent to the local
# authority, decided by its SEND panel (seed 000); withdrawn at any time before a decision.
TOP_UP_MOVES = {
    TopUpStatus.DRAFT: {TopUpStatus.SUBMITTED, TopUpStatus.WITHDRAWN},
    TopUpStatus.SUBMITTED: {TopUpStatus.APPROVED, TopUpStatus.DECLINED, TopUpStatus.WITHDRAWN},
}
# A request that is still open: one per pupil and budget year.
OPEN_TOP_UPS = frozenset({TopUpStatus.DRAFT, TopUpStatus.SUBMITTED})


def top_up_may_move(status: str, to: str) -> bool:
    return to in TOP_UP_MOVES.get(status, set())

# Timetabled external provision is costed at the specialist rate.
RATE_FOR_STAFF_TYPE = {"teacher": "teacher", "ta": "ta", "specialist": "specialist",
                       "external": "specialist"}
