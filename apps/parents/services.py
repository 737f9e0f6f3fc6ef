"""Verbs for working with parents: record and plan meetings, share a plan (a frozen
snapshot whose PDF is rendered once, by a task), and take parents' views."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.plans.models import Cycle
from apps.plans.rules import Stage, pupil_views_missing
from apps.plans.services import cycle_update
from apps.pupils.models import Pupil
from apps.pupils.profile import current_profile
from apps.pupils.services import ensure_on_roll
from apps.reviews.models import ParentViews
from apps.reviews.rules import VIEWS_MAX
from backend.validation import row_errors

from .models import ParentMeeting, PlanSnapshot, SharedProfile
from .rules import MEETING_MINUTES, USUAL_HOURS, unusual_time
from .shared_plan import snapshot_content
from .tasks import (
    invite_parents_to_meeting,
    render_shared_plan,
    tell_parents_plan_shared,
    tell_parents_profile_shared,
    tell_staff_of_views,
)


@transaction.atomic
def meeting_save(*, pupil: Pupil, actor, instance=None, unusual_time_confirmed=False,
                 **fields) -> ParentMeeting:
    """Record a meeting held, or plan one; planned meetings invite the parents. A time
    outside the usual hours (rules.USUAL_HOURS) needs ``unusual_time_confirmed``; the review
    it was, if any, must be one of the pupil's."""
    ensure_on_roll(pupil)
    meeting = instance or ParentMeeting(school=pupil.school, pupil=pupil, recorded_by=actor)
    if fields.get("minutes") is None:  # not given: the length it has, 30 minutes at first
        fields.pop("minutes", None)
    for name, value in fields.items():
        setattr(meeting, name, value)
    errors = row_errors(meeting, exclude=("school", "pupil", "recorded_by"))
    if unusual_time(meeting.time) and not unusual_time_confirmed:
        errors.setdefault("time", []).append(
            f"{meeting.time:%H:%M} is outside {USUAL_HOURS[0]:%H:%M} to "
            f"{USUAL_HOURS[1]:%H:%M}: check the time, or confirm that it is right.")
    if meeting.minutes is not None and not (
            MEETING_MINUTES[0] <= meeting.minutes <= MEETING_MINUTES[1]):
        errors.setdefault("minutes", []).append(
            f"Give the length in minutes, from {MEETING_MINUTES[0]} to {MEETING_MINUTES[1]}.")
    if meeting.review_id and meeting.review.cycle.plan.pupil_id != pupil.pk:
        errors.setdefault("review", []).append(f"Choose one of {pupil.first_name}'s reviews.")
    today = timezone.localdate()
    if meeting.date and meeting.held and meeting.date > today:
        errors.setdefault("date", []).append(
            "A meeting in the future cannot be recorded as held: plan it instead.")
    if meeting.date and not meeting.held and meeting.date < today:
        errors.setdefault("date", []).append(
            "A planned meeting must be today or later; record a past meeting as held.")
    if errors:
        raise ValidationError(errors)
    if not meeting.held:
        meeting.invitations_sent_at = None  # owed until the task has sent them
    meeting.save()
    if not meeting.held:
        invite_parents_to_meeting.delay_on_commit(school_id=meeting.school_id,
                                                  meeting_id=meeting.pk)
    return meeting


@transaction.atomic
def plan_share(*, cycle: Cycle, actor, parent_help: str = "",
               pupil_views_missing_because: str | None = None) -> PlanSnapshot:
    """Share the cycle's plan with the parents: freeze it, then render its PDF once and
    e-mail them a link to it (letting_know.py)."""
    if cycle.stage == Stage.CLOSED:
        raise ValidationError({"cycle": ["Share the current cycle's plan, not a closed one."]})
    if not cycle.outcomes.exists():
        raise ValidationError({"cycle": [
            "Add at least one outcome before sharing the plan with the parents."]})
    if pupil_views_missing_because is not None and not cycle.pupil_views.strip():
        cycle = cycle_update(cycle=cycle, actor=actor,
                             pupil_views_missing_because=pupil_views_missing_because.strip())
    if pupil_views_missing(pupil_views=cycle.pupil_views,
                           missing_because=cycle.pupil_views_missing_because):
        raise ValidationError({"pupil_views_missing_because": [
            "Record the pupil's views at Assess before sharing the plan, or say why they "
            "are not recorded (for example, too young to give them, or gathered another "
            "way)."]})
    snapshot = PlanSnapshot.objects.create(
        school=cycle.school, pupil=cycle.plan.pupil, cycle=cycle, shared_by=actor,
        content=snapshot_content(cycle, parent_help or ""))
    render_shared_plan.delay_on_commit(school_id=cycle.school_id, snapshot_id=snapshot.pk)
    tell_parents_plan_shared.delay_on_commit(school_id=cycle.school_id,
                                             snapshot_id=snapshot.pk)
    return snapshot


@transaction.atomic
def profile_share(*, pupil: Pupil, actor) -> SharedProfile:
    """Share the pupil's current one-page profile with the parents, and e-mail them a
    link (letting_know.py)."""
    ensure_on_roll(pupil)
    current = current_profile(pupil)
    if current is None:
        raise ValidationError("Write the one-page profile before sharing it.")
    shared = SharedProfile.objects.create(school=pupil.school, pupil=pupil, profile=current,
                                          shared_by=actor)
    tell_parents_profile_shared.delay_on_commit(school_id=pupil.school_id,
                                                shared_id=shared.pk)
    return shared


@transaction.atomic
def views_add(*, pupil: Pupil, parent, views: str) -> ParentViews:
    """A parent's views for the review of their child's current cycle; the SENCO and the
    child's class teachers are e-mailed (letting_know.py)."""
    ensure_on_roll(pupil)
    cycle = (Cycle.objects.filter(plan__pupil=pupil).exclude(stage=Stage.CLOSED)
             .order_by("-number").first())
    errors = {}
    if not (views or "").strip():
        errors["views"] = ["Write your views before sending them."]
    elif len(views) > VIEWS_MAX:
        errors["views"] = [f"Your views must be {VIEWS_MAX:,} characters or fewer; these "
                           f"are {len(views):,}."]
    if cycle is None:
        errors["views"] = ["There is no plan to review yet; the school will ask for your "
                           "views when there is."]
    if errors:
        raise ValidationError(errors)
    sent = ParentViews.objects.create(school=pupil.school, pupil=pupil, cycle=cycle,
                                      parent=parent, views=views.strip())
    tell_staff_of_views.delay_on_commit(school_id=pupil.school_id, views_id=sent.pk)
    return sent
