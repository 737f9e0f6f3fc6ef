"""Celery tasks for parents: thin wrappers, idempotent by their keys."""

from celery import shared_task

from apps.schools.tasks import SchoolTask

from . import reminders, shared_plan


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invite_parents_to_meeting(*, school_id: int, meeting_id: int) -> int:
    return reminders.invite_parents(meeting_id=meeting_id)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_shared_plan(*, school_id: int, snapshot_id: int) -> bool:
    return shared_plan.snapshot_render(snapshot_id=snapshot_id)
