"""Celery tasks for parents: thin wrappers over services, idempotent by their keys.

Beat runs ``daily_reminders`` every day at 07:00 (backend/settings.py); it fans out one
``school_daily_digest`` per school."""

from celery import shared_task

from apps.schools.models import School
from apps.schools.tasks import SchoolTask

from . import reminders, services


@shared_task
def daily_reminders() -> int:
    for school_id in School.objects.values_list("pk", flat=True):
        school_daily_digest.delay(school_id=school_id)
    return School.objects.count()


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def school_daily_digest(*, school_id: int) -> int:
    return reminders.daily_digest(school=School.objects.get(pk=school_id))


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invite_parents_to_meeting(*, school_id: int, meeting_id: int) -> int:
    return reminders.invite_parents(meeting_id=meeting_id)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_shared_plan(*, school_id: int, snapshot_id: int) -> bool:
    return services.snapshot_render(snapshot_id=snapshot_id)
