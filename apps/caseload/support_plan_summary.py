"""The support plan summary: the current cycle in the shape of the Individual Support Plan
the Schools White Paper *Every Child Achieving and Thriving* (February 2026) proposes for
every child with SEND below an EHC plan. No template is published yet; this is the
mapping from what the school already records to the elements the White Paper and the
Department's answers describe (needs, outcomes, the support in place, who is
responsible, written with the parents and the child, reviewed at least every 12 months,
standardised and digital). docs/support-plan-summary.md lists each element, where it
comes from, and what is still unknown, so that the mapping can follow the official
template when it appears. One or two A4 pages as a PDF; the same as JSON."""

import datetime
import json
from dataclasses import asdict, dataclass

from django.core.serializers.json import DjangoJSONEncoder

from apps.parents.models import ParentMeeting
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.timetable import provision_timetable
from apps.pupils.models import Pupil
from apps.pupils.profile import current_profile
from apps.pupils.rules import SenStatus

from .rules import ISP_REVIEW_WITHIN_MONTHS, review_within_months


@dataclass
class Support:
    what: str
    details: str
    how_often: str
    who: str
    from_date: datetime.date
    to_date: datetime.date | None


@dataclass
class Outcome:
    outcome: str
    how_we_will_know: str
    by: datetime.date | None
    responsible: str


@dataclass
class SupportPlanSummary:
    pupil: str
    date_of_birth: datetime.date | None
    year_group: str
    school: str
    made_on: datetime.date
    level_of_support: str  # the SEN status now; the White Paper's "layers" are undefined
    needs: list[str]  # the areas of need, then the needs in the plan's words
    strengths: str
    what_helps: str
    outcomes: list[Outcome]
    support: list[Support]
    responsible: list[str]  # the SENCO, then each outcome's and each support's person
    pupil_views: str
    parent_views: str
    written_with: list[str]  # how the parents and child took part, dated
    cycle: int
    plan_since: datetime.date
    review_by: datetime.date | None
    review_within_12_months: bool | None  # None while no review date is agreed

    def as_json(self) -> dict:
        """As plain JSON values: dates as ISO 8601 strings (Django's encoder)."""
        return {"format": "support-plan-summary", "version": "1.0.0"} | json.loads(
            json.dumps(asdict(self), cls=DjangoJSONEncoder))


def summary_cycle(pupil: Pupil) -> Cycle | None:
    """The pupil's open cycle, the plan the summary is of; None without one."""
    return (Cycle.objects.filter(plan__pupil=pupil).exclude(stage=Stage.CLOSED)
            .select_related("plan__pupil__school").order_by("-opened_on", "-number").first())


def support_plan_summary(pupil: Pupil, cycle: Cycle, today: datetime.date
                         ) -> SupportPlanSummary:
    """``pupil`` with their SEN status (``pupils.selectors.with_sen_status``, as the one
    door gives them); ``cycle`` their open cycle (``summary_cycle``)."""
    school = pupil.school
    profile = current_profile(pupil)
    outcomes = list(cycle.outcomes.select_related("owner").order_by("pk"))
    provisions = list(cycle.provisions.select_related("provision_type", "delivered_by")
                      .order_by("start_date", "pk"))
    senco = school.senco_name or "The school's SENCO"
    support = [Support(
        what=str(p.provision_type), details=p.details or p.provision_type.description,
        how_often=provision_timetable(p) if p.is_timetabled else "Arranged by the school",
        who=str(p.delivered_by) if p.delivered_by else p.get_staff_type_display(),
        from_date=p.start_date, to_date=p.end_date) for p in provisions]
    responsible = [f"{senco} (SENCO): the plan as a whole"]
    responsible += [f"{o.owner}: {o.description}" for o in outcomes if o.owner]
    responsible += [f"{s.who}: {s.what}" for s in support]
    meetings = list(ParentMeeting.objects.filter(
        pupil=pupil, held=True, date__gte=cycle.opened_on).order_by("date", "pk"))
    written_with = [f"Meeting with parents, {m.date:%-d %B %Y}"
                    + (f" ({m.attendees})" if m.attendees else "") for m in meetings]
    if profile and profile.written_with:
        written_with.append(f"One-page profile written with {profile.written_with}")
    needs = [label for label in (pupil.get_primary_need_display(),
                                 pupil.get_secondary_need_display()) if label]
    if cycle.needs:
        needs.append(cycle.needs)
    return SupportPlanSummary(
        pupil=pupil.full_name, date_of_birth=pupil.date_of_birth,
        year_group=pupil.get_year_group_display(), school=school.name, made_on=today,
        level_of_support=SenStatus(pupil.sen_status).label if pupil.sen_status else "",
        needs=needs, strengths=cycle.strengths,
        what_helps=profile.what_helps if profile else "",
        outcomes=[Outcome(o.description, o.success_criteria, o.target_date,
                          str(o.owner) if o.owner else senco) for o in outcomes],
        support=support, responsible=responsible,
        pupil_views=cycle.pupil_views or cycle.pupil_views_missing_because,
        parent_views=cycle.parent_views, written_with=written_with, cycle=cycle.number,
        plan_since=cycle.opened_on, review_by=cycle.review_date,
        review_within_12_months=None if cycle.review_date is None else (
            cycle.review_date <= review_within_months(cycle.opened_on,
                                                      ISP_REVIEW_WITHIN_MONTHS)))
