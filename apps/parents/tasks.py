"""Celery tasks for parents: thin wrappers, idempotent by their keys."""

from celery import shared_task
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tasks import SchoolTask, send_owed

from . import letting_know, owed, reminders, shared_plan


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def invite_parents_to_meeting(*, school_id: int, meeting_id: int) -> int:
    return reminders.invite_parents(school=School.objects.get(pk=school_id),
                                    meeting_id=meeting_id)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_shared_plan(*, school_id: int, snapshot_id: int) -> bool:
    return shared_plan.snapshot_render(snapshot_id=snapshot_id)


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def tell_parents_plan_shared(*, school_id: int, snapshot_id: int) -> int:
    return letting_know.tell_parents_plan_shared(school=School.objects.get(pk=school_id),
                                                 snapshot_id=snapshot_id)


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def tell_parents_profile_shared(*, school_id: int, shared_id: int) -> int:
    return letting_know.tell_parents_profile_shared(school=School.objects.get(pk=school_id),
                                                    shared_id=shared_id)


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def tell_staff_of_views(*, school_id: int, views_id: int) -> int:
    return letting_know.tell_staff_of_views(school=School.objects.get(pk=school_id),
                                            views_id=views_id)


@shared_task
def send_owed_work() -> int:
    """Beat, every five minutes: send again each shared plan's PDF and e-mail, each shared
    profile's e-mail, each
    meeting's invitations and each e-mail about parents' views still owed (owed.py).
    Returns how many were sent to the broker."""
    now = timezone.now()
    return send_owed(lambda school: (
        [(render_shared_plan, {"snapshot_id": pk}) for pk in owed.owed_pdfs(now)]
        + [(tell_parents_plan_shared, {"snapshot_id": pk})
           for pk in owed.owed_share_emails(now)]
        + [(tell_parents_profile_shared, {"shared_id": pk})
           for pk in owed.owed_profile_emails(now)]
        + [(invite_parents_to_meeting, {"meeting_id": pk})
           for pk in owed.owed_invitations(now)]
        + [(tell_staff_of_views, {"views_id": pk}) for pk in owed.owed_views_emails(now)]))
