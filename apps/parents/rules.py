"""Working with parents (SEND Code of Practice 0-25, 6.64-6.71)."""

import datetime
import math

from django.db import models

from apps.schools.calendar import ONE_DAY, Period, SchoolCalendar
from apps.schools.rules import DAYS_A_WEEK

# Schools should meet parents at least three times each year (Code 6.65).
MEETINGS_PER_YEAR = 3
# The usual spacing between meetings: about a term.
USUAL_SPACING_WEEKS = 12
# Reviews coming up within this many days are in the daily reminder.
REVIEW_DUE_WITHIN_DAYS = 7
# A meeting outside these hours is probably a slip (8.30 typed as 20.30): it is saved only
# when the person recording it confirms the time.
USUAL_HOURS = (datetime.time(7, 0), datetime.time(20, 0))
MEETING_MINUTES = (5, 480)


def unusual_time(time: datetime.time | None) -> bool:
    return time is not None and not USUAL_HOURS[0] <= time <= USUAL_HOURS[1]


class MeetingKind(models.TextChoices):
    PLAN = "plan", "Planning meeting"
    REVIEW = "review", "Review meeting"
    PARENTS_EVENING = "parents_evening", "Parents' evening"
    ANNUAL_REVIEW = "annual_review", "Annual review of the EHC plan"
    INFORMAL = "informal", "Informal meeting"


class MeetingState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    MISSED = "missed", "Missed"


def meetings_expected(*, joined: datetime.date | None, today: datetime.date,
                      calendar: SchoolCalendar) -> int:
    """How many meetings this school year a pupil is expected to have (Code 6.65: "at
    least three times each year"). Pro-rated for a pupil who joined SEN support during the
    year (``joined``: the start of their unbroken SEN support): three times the share of
    the year's school days left on the day they joined, rounded up, and never fewer than
    one: joining in November, three; in March, two; in June, one (tests/test_meetings.py
    has the worked dates)."""
    year = calendar.year(today)
    if joined is None or joined <= year.year.start or year.last_day is None:
        return MEETINGS_PER_YEAR
    in_year = year.school_days()
    left = calendar.school_days(Period(joined, year.last_day)) if joined <= year.last_day else 0
    return max(1, math.ceil(MEETINGS_PER_YEAR * left / in_year)) if in_year else 1


def meeting_state(*, held: int, planned: int, last_planned: datetime.date | None,
                  today: datetime.date, calendar: SchoolCalendar,
                  spacing_weeks: int = USUAL_SPACING_WEEKS,
                  expected: int = MEETINGS_PER_YEAR) -> str:
    """The three-meetings rule (Code 6.65: at least three meetings a year; ``expected``
    is three, or fewer for a pupil who joined during the year: meetings_expected).

    On track: three held, or the meetings still needed are planned, or can still be fitted
    in at the usual spacing. Missed: the school year is over (its last school day, late
    July: schools do not meet parents in the summer holiday) with fewer than three held.
    At risk: otherwise — the meetings still to arrange cannot fit in the school weeks left
    at the usual spacing, counting on from the last planned meeting (or from today).
    """
    needed = expected - held
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
