"""Working with parents (SEND Code of Practice 0-25, 6.64-6.71)."""

from django.db import models

# Schools should meet parents at least three times each year (Code 6.65).
MEETINGS_PER_YEAR = 3
# The usual spacing between meetings: about a term.
USUAL_SPACING_WEEKS = 12
# Reviews coming up within this many days are in the daily reminder.
REVIEW_DUE_WITHIN_DAYS = 7


class MeetingKind(models.TextChoices):
    PLAN = "plan", "Planning meeting"
    REVIEW = "review", "Review meeting"
    PARENTS_EVENING = "parents_evening", "Parents' evening"
    INFORMAL = "informal", "Informal meeting"


class MeetingState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    MISSED = "missed", "Missed"
