"""The school's calendar: terms, breaks and the days support can happen.

England has no statutory term dates: each local authority (or academy trust) sets them,
and schools add their own INSET days. Pupils are taught 190 days a year and staff work 5
more (School Teachers' Pay and Conditions Document: 195 days), so a school year is 39
weeks of term, 38 of them with pupils.
"""

from django.db import models

DAYS_A_WEEK = 5  # a school week: Monday to Friday
DEFAULT_WEEKS = 39  # weeks of term in the default calendar (195 days)
# A year's calendar is refused outside these bounds: they catch a term typed a year out,
# or a term missing, without refusing any real school's calendar.
MIN_WEEKS, MAX_WEEKS = 30, 45


class TermDateKind(models.TextChoices):
    """A term (days pupils are taught), or days within a term when no support happens:
    a half-term break, an INSET (staff training) day, or another closure such as a bank
    holiday."""

    TERM = "term", "Term"
    HALF_TERM = "half_term", "Half-term break"
    INSET = "inset", "INSET day"
    CLOSURE = "closure", "School closed"


CLOSED = (TermDateKind.HALF_TERM, TermDateKind.INSET, TermDateKind.CLOSURE)
TERM_NAMES = ("Autumn", "Spring", "Summer")


class EhcPlanMeetings(models.TextChoices):
    """How a school counts its meetings with the parents of pupils who hold an EHC plan
    against the three a year (Code 6.65), as the school chooses: the annual review meeting
    and termly meetings, like every pupil on SEN support; or the annual review alone, with
    those pupils followed by their annual reviews (apps/escalation/annual_review.py)."""

    TERMLY = "termly", ("Annual review and termly meetings: three a year, like every pupil "
                        "on SEN support, the annual review meeting one of them")
    ANNUAL_REVIEW = "annual_review", ("The annual review: pupils with an EHC plan are "
                                      "followed by their annual reviews, not the three a year")
