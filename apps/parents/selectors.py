"""Meetings with parents per pupil and school year (Code 6.65)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.reviews.models import ParentViews, Review
from apps.schools.calendar import school_year
from apps.schools.rules import EhcPlanMeetings
from apps.schools.term_dates import school_calendar

from .models import ParentMeeting
from .rules import (
    MEETINGS_PER_YEAR,
    MeetingKind,
    MeetingState,
    meeting_state,
    meetings_expected,
)


@dataclass(frozen=True)
class Meetings:
    """A pupil's meetings with parents this school year, and the three-a-year state."""

    held: int
    planned: int
    last_planned: datetime.date | None
    state: str
    expected: int = MEETINGS_PER_YEAR  # fewer for a pupil who joined during the year

    @property
    def still_needed(self) -> int:
        return max(0, self.expected - self.held)

    @property
    def needs_action(self) -> bool:
        return self.state != MeetingState.ON_TRACK


def counted_statuses(school) -> list[str]:
    """Whose meetings count against the three a year: everyone on SEN support, and pupils
    with an EHC plan unless the school follows them by their annual reviews instead
    (schools.rules.EhcPlanMeetings)."""
    if school.ehc_plan_meetings == EhcPlanMeetings.ANNUAL_REVIEW:
        return [SenStatus.SEN_SUPPORT]
    return [SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN]


def counted_for_meetings(pupils: QuerySet, school) -> QuerySet:
    """Those of ``pupils`` whose meetings with parents count against the three a year."""
    return pupils.filter(pk__in=SenProvisionRecord.objects.filter(
        ended_on__isnull=True, status__in=counted_statuses(school)).values("pupil"))


def meetings_by_pupil(pupil_ids: list[int], school, today: datetime.date | None = None
                      ) -> dict[int, Meetings]:
    """Held and planned meetings this school year for each pupil, and how many are
    expected of them (rules.meetings_expected), in four queries.

    Counted: meetings recorded with parents where SEN was discussed, and review meetings
    of cycles that parents attended, each meeting once: a meeting recorded as the review
    (linked to it, or a review meeting on the day of a review the parents attended) is
    the review. Planned: future meetings and the agreed review dates of open cycles not
    yet reviewed."""
    today = today or timezone.localdate()
    year = school_year(today)
    calendar = school_calendar(school)
    held, planned = dict.fromkeys(pupil_ids, 0), dict.fromkeys(pupil_ids, 0)
    last_planned: dict[int, datetime.date | None] = dict.fromkeys(pupil_ids)

    def plan(pupil: int, count: int, last: datetime.date | None) -> None:
        planned[pupil] += count
        if last and (last_planned[pupil] is None or last > last_planned[pupil]):
            last_planned[pupil] = last

    same_day_review = Exists(Review.objects.filter(
        cycle__plan__pupil=OuterRef("pupil"), held_on=OuterRef("date"), parents_attended=True))
    is_the_review = Q(review__parents_attended=True) | (Q(kind=MeetingKind.REVIEW)
                                                        & Q(same_day_review))
    meetings = (ParentMeeting.objects
                .filter(pupil__in=pupil_ids, date__range=(year.start, year.end))
                .values("pupil")
                .annotate(n_held=Count("pk", filter=Q(held=True) & ~is_the_review),
                          n_planned=Count("pk", filter=Q(held=False, date__gte=today)),
                          last=Max("date", filter=Q(held=False, date__gte=today)))
                .order_by())
    for row in meetings:
        held[row["pupil"]] += row["n_held"]
        plan(row["pupil"], row["n_planned"], row["last"])
    reviews = (Review.objects
               .filter(cycle__plan__pupil__in=pupil_ids, parents_attended=True,
                       held_on__range=(year.start, min(today, year.end)))
               .values_list("cycle__plan__pupil").annotate(n=Count("pk")).order_by())
    for pupil, count in reviews:
        held[pupil] += count
    reviews_to_come = (Cycle.objects
                       .filter(plan__pupil__in=pupil_ids, reviews__isnull=True,
                               review_date__range=(today, year.end))
                       .exclude(stage=Stage.CLOSED)
                       .values_list("plan__pupil", "review_date"))
    for pupil, review_date in reviews_to_come:
        plan(pupil, 1, review_date)
    joined = joined_sen_support(pupil_ids, year.start)
    expected = {pk: meetings_expected(joined=joined.get(pk), today=today, calendar=calendar)
                for pk in pupil_ids}
    return {pk: Meetings(held[pk], planned[pk], last_planned[pk],
                         meeting_state(held=held[pk], planned=planned[pk],
                                       last_planned=last_planned[pk], today=today,
                                       calendar=calendar, expected=expected[pk]),
                         expected[pk])
            for pk in pupil_ids}


def joined_sen_support(pupil_ids, year_start: datetime.date) -> dict[int, datetime.date]:
    """When each pupil's unbroken SEN support (K, then perhaps E) began, for those whose
    records reach into this school year: one query."""
    records = (SenProvisionRecord.objects
               .filter(pupil__in=pupil_ids)
               .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=year_start))
               .order_by("pupil", "started_on", "pk")
               .values_list("pupil", "status", "started_on"))
    joined: dict[int, datetime.date] = {}
    for pupil, status, started_on in records:
        if status == SenStatus.NO_SEN:
            joined.pop(pupil, None)  # support since has begun again
        else:
            joined.setdefault(pupil, started_on)
    return joined


# A review held this recently, which the parents attended and no meeting names yet, is the
# one the meeting form offers first.
SUGGEST_REVIEWS_WITHIN = datetime.timedelta(days=14)


def reviews_of(pupil) -> QuerySet:
    """The pupil's reviews, newest first: those a meeting with the parents may have been."""
    return (Review.objects.filter(cycle__plan__pupil=pupil).select_related("cycle")
            .order_by("-held_on", "-pk"))


def suggested_review(pupil, today: datetime.date | None = None) -> Review | None:
    today = today or timezone.localdate()
    named = ParentMeeting.objects.filter(pupil=pupil, review__isnull=False).values("review")
    return (reviews_of(pupil).filter(parents_attended=True,
                                     held_on__gte=today - SUGGEST_REVIEWS_WITHIN)
            .exclude(pk__in=named).first())


def views_sent_by(parent, pupil) -> list[tuple[ParentViews, Review | None]]:
    """What this parent sent for their child's reviews, newest first, each with its
    cycle's review once the next step has been agreed there (what was agreed)."""
    sent = list(ParentViews.objects.filter(pupil=pupil, parent=parent)
                .order_by("-created_at", "-pk"))
    agreed = {review.cycle_id: review for review in Review.objects.filter(
        cycle__in={views.cycle_id for views in sent}).exclude(next_step="")}
    return [(views, agreed.get(views.cycle_id)) for views in sent]
