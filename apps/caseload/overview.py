"""The overview: where staff land after signing in. This week's work about the pupils the
member sees, each item a link to the page where it is done, and the caseload in two
pictures (by stage of the graduated approach, by broad area of need).

Each list is counted in full; the page shows the first few and links to the page that
lists them all, which counts the same pupils (tests/test_overview.py checks that it does).
A SENCO, head or trust lead sees the whole school; a teacher or teaching assistant, the
pupils they work with (schools/roles.py), and also the sessions they run this week."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from apps.escalation.access import ehc_requests_visible_to
from apps.escalation.annual_review import Standing, plan_reviews
from apps.escalation.selectors import clock, open_requests
from apps.money.models import TopUpRequest
from apps.money.rules import TopUpStatus
from apps.parents.rules import MeetingState
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.selectors import overdue_cycles, reviews_due
from apps.pupils.rules import NEED_AREA_OF, NeedArea, SenStatus
from apps.pupils.selectors import about_pupils_visible_to, pupils_visible_to, with_sen_status
from apps.reviews.models import ParentViews
from apps.schools.models import Membership
from apps.schools.roles import ASSIGNED_PUPILS, Action, role_may
from backend.charts import BarChart, bar_chart

from .my_class import MyClass, my_class
from .rules import OVERVIEW_ITEMS, WEEK_AHEAD
from .selectors import meeting_rows, sees_money


@dataclass(frozen=True)
class Task:
    """One thing to do, about one pupil."""

    pupil: object  # apps.pupils.models.Pupil
    what: str
    when: datetime.date | None
    url: str


@dataclass
class Section:
    key: str
    heading: str
    tasks: list[Task]
    all_url: str = ""  # the page listing every one of them, where there is one
    all_text: str = ""
    empty: str = "Nothing to do."

    @property
    def count(self) -> int:
        return len(self.tasks)

    @property
    def shown(self) -> list[Task]:
        return self.tasks if not self.all_url else self.tasks[:OVERVIEW_ITEMS]

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass
class Overview:
    today: datetime.date
    sections: list[Section]
    by_stage: BarChart
    by_need: BarChart
    on_caseload: int  # pupils on SEN support or with an EHC plan this member sees
    sees_anyone: bool  # whether the member sees any pupil at all (a new school has none)
    my_class: MyClass | None = None  # for teachers and teaching assistants

    @property
    def to_do(self) -> int:
        return sum(section.count for section in self.sections)


def overview(membership: Membership, today: datetime.date) -> Overview:
    school = membership.school

    def url(name: str, query: dict | None = None, **kwargs) -> str:
        found = reverse(name, kwargs={"school": school.slug, **kwargs})
        return f"{found}?{urlencode(query)}" if query else found

    pupils = pupils_visible_to(membership)
    on_roll = pupils.filter(left_on__isnull=True)  # as the register lists them
    sections = [
        Section("reviews_due", "Reviews due in the next 14 days", [
            Task(cycle.plan.pupil, f"Review cycle {cycle.number}", cycle.review_date,
                 url("reviews:review", cycle_id=cycle.pk))
            for cycle in reviews_due(today, WEEK_AHEAD).filter(plan__pupil__in=on_roll)
            .select_related("plan__pupil").order_by("review_date", "pk")],
            all_url=url("caseload:register", {"review": "due"}),
            all_text="See them on the register"),
        Section("reviews_overdue", "Reviews overdue", [
            Task(cycle.plan.pupil, f"Review cycle {cycle.number}: it was due",
                 cycle.review_date, url("reviews:review", cycle_id=cycle.pk))
            for cycle in overdue_cycles(today).filter(plan__pupil__in=on_roll)
            .select_related("plan__pupil").order_by("review_date", "pk")],
            all_url=url("caseload:register", {"overdue": "true"}),
            all_text="See them on the register"),
        Section("meetings", "Meetings with parents to arrange", [
            Task(row.pupil, f"{MeetingState(row.meetings.state).label}: "
                 f"{row.meetings.held} of {row.meetings.expected} held, "
                 f"{row.meetings.planned} planned", row.meetings.last_planned,
                 url("parents:meeting", pupil_id=row.pupil.pk)
                 if role_may(membership.role, Action.RECORD_MEETINGS)
                 else url("caseload:pupil", pupil_id=row.pupil.pk))
            for row in meeting_rows(membership=membership, today=today)
            if row.meetings.needs_action],
            all_url=url("caseload:meetings", {"state": "needs_action"}),
            all_text="See them with the meetings"),
        Section("annual_reviews", "Annual reviews of EHC plans", [
            Task(review.pupil, "Annual review overdue" if review.standing == Standing.OVERDUE
                 else "Annual review due: plan it", review.due_on,
                 url("escalation:annual_reviews", pupil_id=review.pupil.pk))
            for review in plan_reviews(pupils, today)
            if review.standing in (Standing.OVERDUE, Standing.DUE_SOON)],
            all_url=url("escalation:annual_reviews_due"),
            all_text="All EHC plans and their annual reviews"),
        Section("ehc_requests", "EHC needs assessment requests: dates missed or due", [
            Task(request.pupil, f"{state.due}{': missed' if state.missed else ''}",
                 state.due_on, url("escalation:pupil", pupil_id=request.pupil_id))
            for request, state in (
                (request, clock(request, today))
                for request in open_requests(ehc_requests_visible_to(membership)))
            if state.missed or (state.due_on and state.due_on <= today + WEEK_AHEAD)],
            all_url=url("escalation:requests"), all_text="All open requests"),
    ]
    if sees_money(membership):
        sections.append(Section("top_ups", "Top-up requests awaiting the local authority", [
            Task(request.pupil, "Submitted: record the local authority's decision",
                 request.submitted_on,
                 url("money:top_up", request_id=request.pk))
            for request in about_pupils_visible_to(TopUpRequest, membership)
            .filter(status=TopUpStatus.SUBMITTED).select_related("pupil")
            .order_by("submitted_on", "pk")], empty="None awaiting a decision."))
    sections.append(Section("parent_views", "Parents' views not yet read", [
        Task(views.pupil, f"Views for cycle {views.cycle.number}'s review",
             views.created_at.date(), url("reviews:cycle", cycle_id=views.cycle_id))
        for views in about_pupils_visible_to(ParentViews, membership)
        .filter(read_at__isnull=True).select_related("pupil", "cycle")
        .order_by("created_at", "pk")], empty="None waiting."))
    stage_chart, need_chart, on_caseload = caseload_charts(membership)
    return Overview(
        today=today, sections=sections, by_stage=stage_chart, by_need=need_chart,
        on_caseload=on_caseload, sees_anyone=pupils.exists(),
        my_class=(my_class(membership, today) if membership.role in ASSIGNED_PUPILS
                  else None))


def _pupils(n: int) -> str:
    return f"{n} pupil{'' if n == 1 else 's'}"


def caseload_charts(membership: Membership) -> tuple[BarChart, BarChart, int]:
    """The pupils on roll on SEN support or with an EHC plan whom the member sees: by the
    stage of their current cycle, and by the broad area of their primary need."""
    caseload = (with_sen_status(pupils_visible_to(membership))
                .filter(sen_status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN],
                        left_on__isnull=True))
    needs = dict(caseload.values_list("primary_need").annotate(n=Count("pk")))
    total = sum(needs.values())
    # Each pupil's latest cycle: the open one, or the last closed if none is open.
    latest: dict[int, str] = {}
    for pupil_id, stage in (Cycle.objects.filter(plan__pupil__in=caseload)
                            .order_by("plan__pupil", "-number")
                            .values_list("plan__pupil", "stage")):
        latest.setdefault(pupil_id, stage)
    stages = {stage: 0 for stage in Stage.values}
    for stage in latest.values():
        stages[stage] += 1
    rows = [(Stage(stage).label, n, _pupils(n)) for stage, n in stages.items()
            if stage != Stage.CLOSED or n]
    rows.append(("No plan yet", total - len(latest), _pupils(total - len(latest))))
    by_area = {area: 0 for area in NeedArea.values}
    unrecorded = 0
    for need, n in needs.items():
        if need in NEED_AREA_OF:
            by_area[NEED_AREA_OF[need]] += n
        else:
            unrecorded += n
    need_rows = [(NeedArea(area).label, n, _pupils(n)) for area, n in by_area.items()]
    if unrecorded:
        need_rows.append(("Not recorded", unrecorded, _pupils(unrecorded)))
    return (bar_chart("by-stage", "Pupils by stage of their current cycle", rows),
            bar_chart("by-need", "Pupils by area of primary need", need_rows), total)
