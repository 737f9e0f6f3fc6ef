"""The daily reminders, and meeting invitations with an .ics file."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from apps.escalation.selectors import clock, open_requests
from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.selectors import overdue_cycles
from apps.pupils.models import Pupil, StaffAssignment
from apps.pupils.selectors import school_members
from apps.schools.roles import Role

from .models import ParentMeeting
from .rules import REVIEW_DUE_WITHIN_DAYS, MeetingState
from .selectors import meetings_by_pupil, on_sen_support
from .services import email_text, send_once


def daily_digest(*, school, today: datetime.date | None = None) -> int:
    """One e-mail a day to each SENCO and responsible teacher with anything to act on:
    reviews due in the next week, overdue reviews, pupils at risk of fewer than three
    meetings with parents this year, and EHC requests whose statutory date the LA missed.
    Returns the number of e-mails sent by this call."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REVIEW_DUE_WITHIN_DAYS)
    due = list(Cycle.objects.filter(review_date__range=(today, soon), reviews__isnull=True)
               .exclude(stage=Stage.CLOSED).select_related("plan__pupil"))
    overdue = list(overdue_cycles(today).select_related("plan__pupil"))
    pupils = on_sen_support(Pupil.objects.all())
    meetings = meetings_by_pupil(pupils, today)
    at_risk = [p for p in pupils if meetings[p.pk].state == MeetingState.AT_RISK]
    late = [r for r in open_requests() if clock(r, today).missed]  # the LA is late
    teachers: dict[int, set[int]] = {}
    for pupil_id, user_id in StaffAssignment.objects.filter(
        user__memberships__school=school, user__memberships__role=Role.TEACHER
    ).values_list("pupil_id", "user_id"):
        teachers.setdefault(user_id, set()).add(pupil_id)
    sent = 0
    for person in school_members(school, {Role.SENCO, Role.TEACHER}).distinct():
        mine = teachers.get(person.pk)  # None for the SENCO: the whole school

        def keep(items, pupil_of, mine=mine):
            return [i for i in items if mine is None or pupil_of(i).pk in mine]

        context = {
            "person": person, "school": school, "today": today,
            "due": keep(due, lambda c: c.plan.pupil),
            "overdue": keep(overdue, lambda c: c.plan.pupil),
            "at_risk": keep(at_risk, lambda p: p),
            "late": [(r, clock(r, today)) for r in keep(late, lambda r: r.pupil)],
        }
        if not any(context[k] for k in ("due", "overdue", "at_risk", "late")):
            continue
        sent += send_once(
            school=school, key=f"daily-digest:{person.pk}:{today.isoformat()}",
            to=person.email, subject=f"SEN support: what needs doing at {school.name}",
            body=email_text("parents/email/daily_digest.txt", context))
    return sent


def meeting_ics(meeting: ParentMeeting) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Graduated approach tracker//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}-{meeting.school_id}@graduated-approach")
    event.add("summary", f"{meeting.get_kind_display()} about {meeting.pupil.first_name}")
    event.add("dtstart", meeting.date)
    event.add("dtend", meeting.date + datetime.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("location", meeting.school.name)
    event.add("description", "A meeting with the school about the support for "
                             f"{meeting.pupil.first_name}.")
    calendar.add_component(event)
    return calendar.to_ical()


def invite_parents(*, meeting_id: int) -> int:
    meeting = ParentMeeting.objects.select_related("pupil", "school").get(pk=meeting_id)
    if meeting.held:
        return 0
    sent = 0
    for link in meeting.pupil.parent_links.select_related("parent"):
        sent += send_once(
            school=meeting.school,
            key=f"meeting-invite:{meeting.pk}:{meeting.date.isoformat()}:{link.parent_id}",
            to=link.parent.email,
            subject=f"Meeting about {meeting.pupil.first_name} on "
                    f"{meeting.date:%-d %B %Y}",
            body=email_text("parents/email/meeting_invitation.txt",
                            {"meeting": meeting, "parent": link.parent}),
            attachments=[("meeting.ics", meeting_ics(meeting), "text/calendar")])
    return sent
