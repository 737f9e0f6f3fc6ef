"""Invitations to meetings with parents, each with an .ics file."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from apps.pupils.notices import family_url
from apps.schools.tenancy import school_scope

from .email import Email, email_text, send_once
from .models import ParentMeeting


def meeting_ics(meeting: ParentMeeting) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Graduated approach tracker//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}-{meeting.school_id}@graduated-approach")
    event.add("summary", f"{meeting.get_kind_display()} about {meeting.pupil.first_name}")
    if meeting.time:  # a timed event, in the school's time zone
        starts = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.time))
        event.add("dtstart", starts)
        event.add("dtend", starts + datetime.timedelta(minutes=meeting.minutes))
    else:  # the day only
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("location", ", ".join(part for part in (meeting.place, meeting.school.name)
                                    if part))
    event.add("description", "A meeting with the school about the support for "
                             f"{meeting.pupil.first_name}.")
    calendar.add_component(event)
    return calendar.to_ical()


def invite_parents(*, school, meeting_id: int) -> int:
    """Invite each parent once (send_once, keyed by the meeting's date), then record that
    the meeting's invitations are no longer owed. Runs outside a transaction: each e-mail's
    claim commits before it is sent (email.py)."""
    with school_scope(school):
        meeting = ParentMeeting.objects.select_related("pupil", "school").get(pk=meeting_id)
        if meeting.held:
            return 0
        emails = [Email(
            key=f"meeting-invite:{meeting.pk}:{meeting.date.isoformat()}:{link.parent_id}",
            to=link.parent.email,
            subject=f"Meeting about {meeting.pupil.first_name} on {meeting.date:%-d %B %Y}",
            body=email_text("parents/email/meeting_invitation.txt",
                            {"meeting": meeting, "parent": link.parent,
                             "url": family_url(meeting.pupil)}),
            attachments=[("meeting.ics", meeting_ics(meeting), "text/calendar")])
            for link in meeting.pupil.parent_links.select_related("parent")]
    sent = sum(send_once(school, email) for email in emails)
    with school_scope(school):
        ParentMeeting.objects.filter(pk=meeting.pk, date=meeting.date).update(
            invitations_sent_at=timezone.now())
    return sent
