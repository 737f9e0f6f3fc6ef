"""The daily digest: one e-mail a day to each SENCO and class teacher with anything to act
on. Reviews due in the next week, overdue reviews, pupils at risk of fewer than three
meetings with their parents this school year (Code 6.65), annual reviews of EHC plans
overdue or due soon, and EHC needs assessment requests with a statutory date missed (the
local authority's, or the school's advice). The SENCO's covers the whole school; a
teacher's, the pupils they work with."""

import datetime
from dataclasses import dataclass, fields

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.escalation.annual_review import PlanReview, Standing, plan_reviews
from apps.escalation.models import EhcRequest
from apps.escalation.selectors import Clock, clock, open_requests
from apps.parents.email import Email, email_text, send_once
from apps.parents.rules import REVIEW_DUE_WITHIN_DAYS, MeetingState
from apps.parents.selectors import counted_for_meetings, meetings_by_pupil
from apps.plans.models import Cycle
from apps.plans.selectors import overdue_cycles, reviews_due
from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.schools.models import Membership
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

# Who is sent the digest: the SENCO for the whole school, teachers for their own pupils
# (Code 6.52: the class teacher stays responsible).
WHOLE_SCHOOL, OWN_PUPILS = Role.SENCO, Role.TEACHER


@dataclass
class Digest:
    due: list[Cycle]
    overdue: list[Cycle]
    at_risk: list[Pupil]
    late: list[tuple[EhcRequest, Clock]]
    # EHC plans whose annual review is overdue, or due within 8 weeks and not planned
    annual_reviews: list[PlanReview]

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def only(self, pupil_ids: set[int]) -> "Digest":
        """What of it concerns these pupils."""
        return Digest(due=[c for c in self.due if c.plan.pupil_id in pupil_ids],
                      overdue=[c for c in self.overdue if c.plan.pupil_id in pupil_ids],
                      at_risk=[p for p in self.at_risk if p.pk in pupil_ids],
                      late=[(r, c) for r, c in self.late if r.pupil_id in pupil_ids],
                      annual_reviews=[r for r in self.annual_reviews
                                      if r.pupil.pk in pupil_ids])


def school_digest(school, today: datetime.date) -> Digest:
    """What needs doing across the school in scope, today."""
    due = reviews_due(today, datetime.timedelta(days=REVIEW_DUE_WITHIN_DAYS))
    pupils = list(counted_for_meetings(Pupil.objects.all(), school))
    meetings = meetings_by_pupil([pupil.pk for pupil in pupils], school, today)
    clocks = [(request, clock(request, today)) for request in open_requests()]
    return Digest(
        due=list(due.select_related("plan__pupil")),
        overdue=list(overdue_cycles(today).select_related("plan__pupil")),
        at_risk=[p for p in pupils if meetings[p.pk].state == MeetingState.AT_RISK],
        late=[(request, statutory) for request, statutory in clocks
              if statutory.missed],  # late, with no exception that explains it
        annual_reviews=[r for r in plan_reviews(Pupil.objects.all(), today)
                        if r.standing in (Standing.OVERDUE, Standing.DUE_SOON)])


def daily_digest(*, school, today: datetime.date | None = None) -> int:
    """Send today's digest to each SENCO and teacher who has something in it, once.
    Returns the number of e-mails sent by this call. Runs outside a transaction: the
    digest is read in the school's scope, then each e-mail's claim commits before it is
    sent (parents/email.py), so a worker that dies part way sends none of them twice."""
    today = today or timezone.localdate()
    overview_url = settings.SITE_URL + reverse("caseload:overview",
                                               kwargs={"school": school.slug})
    with school_scope(school):
        digest = school_digest(school, today)
        emails = []
        for membership in (Membership.objects.filter(
                school=school, role__in=[WHOLE_SCHOOL, OWN_PUPILS]).select_related("user")):
            person = membership.user
            # A teacher's own pupils: those they may see (linked, or in a class they teach).
            mine = digest if membership.role == WHOLE_SCHOOL else digest.only(
                set(pupils_visible_to(membership).values_list("pk", flat=True)))
            if mine:
                emails.append(Email(
                    key=f"daily-digest:{person.pk}:{today.isoformat()}", to=person.email,
                    subject=f"SEN support: what needs doing at {school.name}",
                    body=email_text("caseload/email/daily_digest.txt",
                                    {"person": person, "school": school, "today": today,
                                     "digest": mine, "overview_url": overview_url})))
    return sum(send_once(school, email) for email in emails)
