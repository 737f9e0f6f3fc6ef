"""Celery tasks for parents: thin wrappers, idempotent by their keys."""

from celery import shared_task
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tasks import SchoolTask
from apps.schools.tenancy import dangerously_all_schools

from . import owed, reminders, shared_plan


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def invite_parents_to_meeting(*, school_id: int, meeting_id: int) -> int:
    return reminders.invite_parents(school=School.objects.get(pk=school_id),
                                    meeting_id=meeting_id)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_shared_plan(*, school_id: int, snapshot_id: int) -> bool:
    return shared_plan.snapshot_render(snapshot_id=snapshot_id)


@shared_task
def send_owed_work() -> int:
    """Beat, every five minutes: send again each shared plan's PDF and each meeting's
    invitations still owed (owed.py), whatever school they belong to. Returns how many
    were sent to the broker."""
    now = timezone.now()
    with dangerously_all_schools():  # finds the owed work of every school, reads no record
        owed_now = ([(render_shared_plan, {"school_id": school_id, "snapshot_id": pk})
                     for school_id, pk in owed.owed_pdfs(now)]
                    + [(invite_parents_to_meeting, {"school_id": school_id, "meeting_id": pk})
                       for school_id, pk in owed.owed_invitations(now)])
    sent = 0
    for task, arguments in owed_now:
        if not task.delay_or_owe(**arguments):
            break  # the broker is out of reach again: the rest wait for the next sweep
        sent += 1
    return sent
