"""The inclusion pack: what an inspector asks to see of the school's SEN support (Ofsted
grades inclusion on its own since November 2025 and samples individual pupils' support).

For one pupil, their journey on a few pages (``pupil_pack``): their needs, each cycle's
outcomes and how the review rated them, the support delivered against planned with the
review's view of its impact, what it cost this budget year, the pupil's and parents'
views, and what the review decided as a result. For the school, the figures for a chosen
period (``school_pack``): pupils on SEN support and with EHC plans by year group and by
area of need, reviews held on time and who took part, meetings with parents, and each
intervention with its impact.

Both are dated and reproducible: drawn on a day, counting what was recorded up to the
day asked (``on``; today unless a past day is chosen), from dated records (cycles opened,
reviews held, sessions delivered, meetings held, provision periods). A record corrected
or deleted since, and a pupil's area of need (the one recorded now), are as they are now.
School figures follow the information report's rule: no count of fewer than 5 is a
number (information_report.count).
"""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from apps.money.selectors import PupilSpend, spend_by_pupil, year_rules
from apps.money.what_works import what_works
from apps.parents.models import ParentMeeting
from apps.plans.models import Cycle, DeliveredSession, Provision
from apps.plans.rules import SessionStatus
from apps.plans.selectors import dose
from apps.plans.timetable import provision_timetable
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import NEED_AREA_OF, NeedArea, SenStatus
from apps.reviews.models import Review
from apps.reviews.timeline import pupil_timeline
from apps.schools.calendar import Period
from apps.schools.models import School
from apps.schools.term_dates import school_calendar

from .information_report import count, on_register, share
from .rules import REPORT_FEWEST


@dataclass
class PackOutcome:
    description: str
    success_criteria: str
    rating: str  # as the review rated it, "" before a review
    evidence: str


@dataclass
class PackSupport:
    intervention: str
    how_often: str
    who: str
    planned: object  # sessions planned to the day (a Decimal)
    delivered: int
    impact: str  # the review's view of it, "" before a review


@dataclass
class PackCycle:
    number: int
    opened_on: datetime.date
    closed_on: datetime.date | None
    needs: str
    pupil_views: str
    parent_views: str
    outcomes: list[PackOutcome]
    support: list[PackSupport]
    review: Review | None  # held by the day asked
    parents_sent: list[tuple[datetime.date, str]] = field(default_factory=list)


@dataclass
class PupilPack:
    pupil: Pupil
    school: School
    on: datetime.date  # counted up to this day
    drawn_on: datetime.date
    status: str  # SEN provision on the day
    since: datetime.date | None  # on SEN support or an EHC plan since (this spell)
    cycles: list[PackCycle]
    spend: PupilSpend  # this budget year, to the day


def _status_on(pupil: Pupil, on: datetime.date) -> tuple[str, datetime.date | None]:
    periods = list(SenProvisionRecord.objects.filter(pupil=pupil, started_on__lte=on)
                   .order_by("-started_on", "-pk").values_list("status", "started_on"))
    if not periods:
        return SenStatus.NO_SEN.label, None
    status = periods[0][0]
    since = None
    for earlier, started in periods:  # back through the spell on the register
        if earlier == SenStatus.NO_SEN:
            break
        since = started
    return SenStatus(status).label, since if status != SenStatus.NO_SEN else None


def pupil_pack(pupil: Pupil, school: School, *, on: datetime.date | None = None) -> PupilPack:
    """The pupil's journey as the records stood on ``on`` (today unless given)."""
    drawn_on = timezone.localdate()
    on = min(on or drawn_on, drawn_on)
    timeline = pupil_timeline(pupil, summary=True)
    calendar = school_calendar(school)
    entries = [entry for entry in timeline.cycles if entry.cycle.opened_on <= on]
    provision_ids = [p.provision.pk for e in entries for p in e.provisions]
    # Who delivers each: one query (the timeline's summary leaves them out).
    deliverers = {p.pk: p.delivered_by for p in Provision.objects.filter(
        pk__in=provision_ids, delivered_by__isnull=False).select_related("delivered_by")}
    delivered = dict(DeliveredSession.objects.filter(
        provision__in=provision_ids, status=SessionStatus.DELIVERED, date__lte=on)
        .values("provision").annotate(n=Count("pk")).values_list("provision", "n"))
    cycles = []
    for entry in entries:
        cycle = entry.cycle
        closed = cycle.closed_on if cycle.closed_on and cycle.closed_on <= on else None
        review = entry.review if entry.review and entry.review.held_on <= on else None
        support = []
        for item in entry.provisions:
            provision = item.provision
            if provision.start_date > on:
                continue
            impact = item.impact if review else None
            support.append(PackSupport(
                intervention=str(provision.provision_type)
                + (f": {provision.details}" if provision.details else ""),
                how_often=provision_timetable(provision),
                who=(deliverers[provision.pk].get_full_name() if provision.pk in deliverers
                     else provision.get_staff_type_display()),
                planned=dose(provision, calendar, min(on, closed or on)).planned_sessions,
                delivered=delivered.get(provision.pk, 0),
                impact=(impact.get_impact_display() + (f": {impact.comment}"
                                                      if impact.comment else ""))
                if impact else ""))
        cycles.append(PackCycle(
            number=cycle.number, opened_on=cycle.opened_on, closed_on=closed,
            needs=cycle.needs, pupil_views=cycle.pupil_views, parent_views=cycle.parent_views,
            outcomes=[PackOutcome(
                description=o.outcome.description, success_criteria=o.outcome.success_criteria,
                rating=o.rating.get_rating_display() if review and o.rating else "",
                evidence=o.rating.evidence if review and o.rating else "")
                for o in entry.outcomes],
            support=support, review=review,
            parents_sent=[(timezone.localdate(views.created_at), views.views)
                          for views in entry.parent_views
                          if timezone.localdate(views.created_at) <= on]))
    status, since = _status_on(pupil, on)
    spend = spend_by_pupil([pupil.pk], school, on)[pupil.pk]
    return PupilPack(pupil=pupil, school=school, on=on, drawn_on=drawn_on, status=status,
                     since=since, cycles=cycles, spend=spend)


@dataclass
class Row:
    label: str
    cells: list[str]


@dataclass
class SchoolPack:
    school: School
    period: Period  # counted from its start to its end (no later than the day drawn)
    drawn_on: datetime.date
    by_year: list[Row]  # year group: SEN support, EHC plan (on the last day)
    by_need: list[Row]  # area of main need: SEN support, EHC plan
    reviews: list[str]
    meetings: list[str]
    interventions: list[Row]  # intervention: pupils, delivered of planned, achieved
    few_interventions: int  # interventions with fewer than 5 pupils, not listed


def _two(statuses: list[str]) -> list[str]:
    return [count(statuses.count(SenStatus.SEN_SUPPORT), "pupil"),
            count(statuses.count(SenStatus.EHC_PLAN), "pupil")]


def school_pack(school: School, period: Period) -> SchoolPack:
    """The school's figures for ``period`` (its end no later than today)."""
    drawn_on = timezone.localdate()
    period = Period(period.start, min(period.end, drawn_on))
    register = list(on_register(period.end))
    years = dict(Pupil.objects.filter(pk__in=[pk for pk, *_ in register])
                 .values_list("pk", "year_group"))
    by_year: dict[int, list[str]] = {}
    by_area: dict[str, list[str]] = {}
    for pk, status, need in register:
        by_year.setdefault(years[pk], []).append(status)
        by_area.setdefault(NEED_AREA_OF.get(need, ""), []).append(status)
    year_label = dict(Pupil._meta.get_field("year_group").choices)
    reviews = list(Review.objects.filter(held_on__range=(period.start, period.end))
                   .values_list("held_on", "cycle__review_date", "parents_attended",
                                "pupil_views"))
    on_time = sum(1 for held, due, *_ in reviews if due is None or held <= due)
    attended = sum(1 for *_, came, _ in reviews if came)
    heard = sum(1 for *_, views in reviews if views.strip())
    overdue = (Cycle.objects.filter(review_date__lt=period.end, opened_on__lte=period.end)
               .exclude(closed_on__lte=period.end)
               .exclude(reviews__held_on__lte=period.end).count())
    review_lines = [f"Reviews held: {count(len(reviews), 'review')}."]
    for what, part in (("held by the date agreed", on_time),
                       ("with parents taking part", attended),
                       ("with the pupil's own views recorded", heard)):
        if share(part, len(reviews)):
            review_lines.append(f"{share(part, len(reviews))} {what}.")
    review_lines.append(f"Reviews overdue on {period.end:%-d %B %Y}: "
                        f"{count(overdue, 'review')}.")
    meetings = Counter(ParentMeeting.objects.filter(
        held=True, date__range=(period.start, period.end)).values_list("pupil_id", flat=True))
    on_list = {pk for pk, *_ in register}
    met = sum(1 for pk in on_list if meetings[pk])
    meeting_lines = [f"Meetings held with parents: {count(sum(meetings.values()), 'meeting')}."]
    if share(met, len(on_list)):
        meeting_lines.append(f"Parents of {share(met, len(on_list))} of pupils on the SEN "
                             "register met the school at least once in the period.")
    works = what_works(dataclasses.replace(year_rules(school, period.start), period=period),
                       period.end)
    shown = [line for line in works.rows if line.pupil_count >= REPORT_FEWEST]
    interventions = [Row(line.name, [
        count(line.pupil_count, "pupil"),
        f"{line.delivered_percent}%" if line.delivered_percent is not None else "–",
        share(line.achieved, line.rated) or ("none rated" if not line.rated
                                             else "too few to show")])
        for line in shown]
    return SchoolPack(
        school=school, period=period, drawn_on=drawn_on,
        by_year=[Row(year_label.get(year, str(year)), _two(statuses))
                 for year, statuses in sorted(by_year.items())],
        by_need=[Row(NeedArea(area).label if area else "Not yet recorded", _two(statuses))
                 for area, statuses in sorted(by_area.items(), key=lambda item: (
                     [*NeedArea.values, ""].index(item[0])))],
        reviews=review_lines, meetings=meeting_lines, interventions=interventions,
        few_interventions=len(works.rows) - len(shown))
