"""Meetings with parents per pupil and school year, and what parents may see."""

import datetime
from typing import NamedTuple

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from apps.money.costing import Period, budget_year
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.reviews.models import Review
from backend.db import planned_for_their_dates

from .models import ParentMeeting
from .rules import MEETINGS_PER_YEAR, USUAL_SPACING_WEEKS, MeetingState


def school_year(day: datetime.date) -> Period:
    """1 September to 31 August."""
    return budget_year(day, "academic")


class Meetings(NamedTuple):
    """A pupil's meetings with parents this school year, and the three-a-year state. (A
    named tuple: the meetings pages work out one for every pupil on SEN support.)"""

    held: int
    planned: int
    last_planned: datetime.date | None
    state: str

    @property
    def still_needed(self) -> int:
        return max(0, MEETINGS_PER_YEAR - self.held)


def meeting_state(*, held: int, planned: int, last_planned, today, year: Period,
                  spacing_weeks: int = USUAL_SPACING_WEEKS) -> str:
    """The rule, once (Code 6.65: at least three meetings a year).

    On track: three held, or the meetings still needed are planned, or can still be fitted
    in at the usual spacing. Missed: the school year is over with fewer than three held.
    At risk: otherwise — the meetings still to arrange cannot fit in the time left at the
    usual spacing, counting on from the last planned meeting (or from today).
    """
    needed = MEETINGS_PER_YEAR - held
    if needed <= 0:
        return MeetingState.ON_TRACK
    if today > year.end:
        return MeetingState.MISSED
    to_arrange = needed - planned
    if to_arrange <= 0:
        return MeetingState.ON_TRACK
    spacing = datetime.timedelta(weeks=spacing_weeks)
    start = last_planned + spacing if last_planned else today
    room = 0 if start > year.end else 1 + (year.end - start).days // spacing.days
    return MeetingState.ON_TRACK if to_arrange <= room else MeetingState.AT_RISK


def on_sen_support(pupils: QuerySet) -> QuerySet:
    """Pupils whose open SEN record (one at most) is SEN support or an EHC plan: a
    semi-join, cheap enough to repeat in the query that reads the pupils shown."""
    return pupils.filter(pk__in=SenProvisionRecord.objects.filter(
        ended_on__isnull=True, status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN],
    ).values("pupil"))


def meetings_by_pupil(pupils: QuerySet, today: datetime.date | None = None
                      ) -> dict[int, Meetings]:
    """Held and planned meetings this school year for each pupil, in the order of
    ``pupils`` (four queries).

    Counted: meetings recorded with parents where SEN was discussed, and review meetings
    of cycles that parents attended; planned: future meetings and the agreed review dates
    of open cycles not yet reviewed. The school's meetings, reviews and planned reviews of
    this year are found by date (indexes on school and date) and counted for the pupils
    asked about here: joined to ``pupils`` in SQL, PostgreSQL, expecting a few pupils
    under row-level security, walked every meeting and cycle of each pupil's history to
    find this year's (at the large benchmark scale, 2,700 meetings for 300 pupils)."""
    today = today or timezone.localdate()
    year = school_year(today)
    meetings = dict.fromkeys(pupils.values_list("pk", flat=True))
    counts: dict[int, list] = {}
    with planned_for_their_dates():
        held_or_planned = list(
            ParentMeeting.objects.filter(date__range=(year.start, year.end))
            .values("pupil").annotate(
                n_held=Count("pk", filter=Q(held=True)),
                n_planned=Count("pk", filter=Q(held=False, date__gte=today)),
                last=Max("date", filter=Q(held=False, date__gte=today))).order_by())
        reviews = list(Review.objects.filter(
            parents_attended=True, held_on__range=(year.start, min(today, year.end)),
        ).values("cycle__plan__pupil").annotate(n=Count("pk")).order_by())
        planned_reviews = list(
            Cycle.objects.filter(reviews__isnull=True, review_date__range=(today, year.end))
            .exclude(stage=Stage.CLOSED).values("plan__pupil", "review_date").order_by())
    for r in held_or_planned:
        if r["pupil"] in meetings:
            counts[r["pupil"]] = [r["n_held"], r["n_planned"], r["last"]]
    for r in reviews:
        if r["cycle__plan__pupil"] in meetings:
            counts.setdefault(r["cycle__plan__pupil"], [0, 0, None])[0] += r["n"]
    for r in planned_reviews:
        if r["plan__pupil"] in meetings:
            entry = counts.setdefault(r["plan__pupil"], [0, 0, None])
            entry[1] += 1
            entry[2] = max(filter(None, [entry[2], r["review_date"]]))
    for pk in meetings:
        held, planned, last = counts.get(pk, [0, 0, None])
        meetings[pk] = Meetings(held, planned, last, meeting_state(
            held=held, planned=planned, last_planned=last, today=today, year=year))
    return meetings
