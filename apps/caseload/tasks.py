"""The daily digest's tasks. Beat runs ``daily_reminders`` every day at 07:00
(backend/settings.py); it fans out one ``school_daily_digest`` per school."""

from celery import shared_task

from apps.schools.models import School
from apps.schools.tasks import SchoolTask

from . import digest


@shared_task
def daily_reminders() -> int:
    schools = list(School.objects.values_list("pk", flat=True))
    for school_id in schools:
        school_daily_digest.delay(school_id=school_id)
    return len(schools)


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def school_daily_digest(*, school_id: int) -> int:
    return digest.daily_digest(school=School.objects.get(pk=school_id))
