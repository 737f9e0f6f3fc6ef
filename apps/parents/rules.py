"""Working with parents (SEND Code of Practice 0-25, 6.64-6.71)."""

import datetime

from django.db import models

from apps.schools.calendar import ONE_DAY, Period, SchoolCalendar
from apps.schools.rules import DAYS_A_WEEK

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


def meeting_state(*, held: int, planned: int, last_planned: datetime.date | None,
                  today: datetime.date, calendar: SchoolCalendar,
                  spacing_weeks: int = USUAL_SPACING_WEEKS) -> str:
    """The three-meetings rule (Code 6.65: at least three meetings a year).

    On track: three held, or the meetings still needed are planned, or can still be fitted
    in at the usual spacing. Missed: the school year is over (its last school day, late
    July: schools do not meet parents in the summer holiday) with fewer than three held.
    At risk: otherwise — the meetings still to arrange cannot fit in the school weeks left
    at the usual spacing, counting on from the last planned meeting (or from today).
    """
    needed = MEETINGS_PER_YEAR - held
    if needed <= 0:
        return MeetingState.ON_TRACK
    last_day = calendar.year(today).last_day
    if last_day is None or today > last_day:
        return MeetingState.MISSED
    to_arrange = needed - planned
    if to_arrange <= 0:
        return MeetingState.ON_TRACK
    spacing = spacing_weeks * DAYS_A_WEEK  # in school days
    if last_planned:  # the next one a spacing after it
        room = calendar.school_days(Period(last_planned + ONE_DAY, last_day)) // spacing
    else:  # the first from today
        days = calendar.school_days(Period(today, last_day))
        room = 1 + (days - 1) // spacing if days else 0
    return MeetingState.ON_TRACK if to_arrange <= room else MeetingState.AT_RISK
