"""Verbs for working with parents: record and plan meetings, share a plan (a frozen
snapshot, rendered once to PDF), take parents' views, and send reminders once."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.plans.models import Cycle
from apps.plans.rules import Stage
from apps.plans.selectors import dose
from apps.pupils.models import Pupil
from backend.pdf import render_pdf
from backend.validation import row_errors

from .models import ParentContribution, ParentMeeting, PlanSnapshot, ReminderSent


@transaction.atomic
def meeting_save(*, pupil: Pupil, actor, instance=None, **fields) -> ParentMeeting:
    """Record a meeting held, or plan one; planned meetings invite the parents."""
    meeting = instance or ParentMeeting(school=pupil.school, pupil=pupil, recorded_by=actor)
    for name, value in fields.items():
        setattr(meeting, name, value)
    errors = row_errors(meeting, exclude=("school", "pupil", "recorded_by"))
    today = timezone.localdate()
    if meeting.date and meeting.held and meeting.date > today:
        errors.setdefault("date", []).append(
            "A meeting in the future cannot be recorded as held: plan it instead.")
    if meeting.date and not meeting.held and meeting.date < today:
        errors.setdefault("date", []).append(
            "A planned meeting must be today or later; record a past meeting as held.")
    if errors:
        raise ValidationError(errors)
    meeting.save()
    if not meeting.held:
        from .tasks import invite_parents_to_meeting

        invite_parents_to_meeting.delay_on_commit(school_id=meeting.school_id,
                                                  meeting_id=meeting.pk)
    return meeting


def snapshot_content(cycle: Cycle, parent_help: str) -> dict:
    """What the parents are shown: in plain words, strengths first. Read straight from the
    cycle (its outcomes, and its provision with the dose so far): the PDF's time should be
    WeasyPrint's."""
    pupil = cycle.plan.pupil
    school = pupil.school
    outcomes = list(cycle.outcomes.all())
    provisions = [(p, dose(p, cycle.closed_on))
                  for p in cycle.provisions.select_related("provision_type", "delivered_by")]
    return {
        "pupil": {"first_name": pupil.first_name, "full_name": pupil.full_name,
                  "year_group": pupil.get_year_group_display()},
        "school": {"name": school.name, "la_name": school.la_name},
        "cycle": {"number": cycle.number, "opened_on": cycle.opened_on.isoformat(),
                  "review_date": cycle.review_date.isoformat() if cycle.review_date else None},
        "strengths": cycle.strengths, "needs": cycle.needs,
        "pupil_views": cycle.pupil_views, "parent_views": cycle.parent_views,
        "outcomes": [{"description": o.description, "how_we_will_know": o.success_criteria}
                     for o in outcomes],
        "provision": [{
            "what": str(p.provision_type),
            "details": p.details or p.provision_type.description,
            "who": (str(p.delivered_by) if p.delivered_by
                    else p.get_staff_type_display()),
            "how_often": (f"{p.sessions_per_week:g} time"
                          f"{'s' if p.sessions_per_week != 1 else ''} a week for "
                          f"{p.minutes_per_session} minutes"
                          + (f", in a group of {p.group_size}"
                             if p.group_size and p.group_size > 1
                             else ", one to one")) if p.is_timetabled
            else "Arranged by the school",
            "from": p.start_date.isoformat(), "to": p.end_date.isoformat(),
            "planned_sessions": int(so_far.planned_sessions),
            "delivered_sessions": so_far.delivered_sessions,
        } for p, so_far in provisions],
        "parent_help": parent_help.strip(),
        "sendiass": {"name": school.sendiass_name, "phone": school.sendiass_phone,
                     "email": school.sendiass_email, "website": school.sendiass_website},
    }


@transaction.atomic
def plan_share(*, cycle: Cycle, actor, parent_help: str = "") -> PlanSnapshot:
    """Share the cycle's plan with the parents: freeze it, then render its PDF once."""
    if cycle.stage == Stage.CLOSED:
        raise ValidationError({"cycle": ["Share the current cycle's plan, not a closed one."]})
    if not cycle.outcomes.exists():
        raise ValidationError({"cycle": [
            "Add at least one outcome before sharing the plan with the parents."]})
    snapshot = PlanSnapshot.objects.create(
        school=cycle.school, pupil=cycle.plan.pupil, cycle=cycle, shared_by=actor,
        content=snapshot_content(cycle, parent_help or ""))
    from .tasks import render_shared_plan

    render_shared_plan.delay_on_commit(school_id=cycle.school_id, snapshot_id=snapshot.pk)
    return snapshot


def snapshot_render(*, snapshot_id: int) -> bool:
    """Render the snapshot's PDF and store it, once. Returns whether it rendered now."""
    with transaction.atomic():
        snapshot = PlanSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.pdf:
            return False
        body = render_pdf("parents/plan_pdf.html", {"plan": snapshot.content,
                                                    "shared_at": snapshot.shared_at})
        snapshot.pdf.save(f"plan-{snapshot.pk}.pdf", ContentFile(body), save=False)
        snapshot.pdf_rendered_at = timezone.now()
        snapshot.save(update_fields=["pdf", "pdf_rendered_at"])
    return True


@transaction.atomic
def views_add(*, pupil: Pupil, parent, views: str) -> ParentContribution:
    """A parent's views for the next review of their child's plan."""
    cycle = (Cycle.objects.filter(plan__pupil=pupil).exclude(stage=Stage.CLOSED)
             .order_by("-number").first())
    errors = {}
    if not (views or "").strip():
        errors["views"] = ["Write your views before sending them."]
    if cycle is None:
        errors["views"] = ["There is no plan to review yet; the school will ask for your "
                           "views when there is."]
    if errors:
        raise ValidationError(errors)
    return ParentContribution.objects.create(school=pupil.school, pupil=pupil, cycle=cycle,
                                             parent=parent, views=views.strip())


def send_once(*, school, key: str, to: str, subject: str, body: str,
              attachments=()) -> bool:
    """Send one e-mail under a unique key. The key is claimed in the same transaction, so a
    second run, or a retry after a crash, sends nothing twice. Returns whether it sent."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(school=school, key=key, recipient=to)
            message = EmailMessage(subject=subject, body=body, to=[to],
                                   from_email=settings.DEFAULT_FROM_EMAIL)
            for attachment in attachments:
                message.attach(*attachment)
            message.send()
    except IntegrityError:
        return False
    return True


def today_key(day: datetime.date) -> str:
    return day.isoformat()


def email_text(template: str, context: dict) -> str:
    return render_to_string(template, context).strip() + "\n"
