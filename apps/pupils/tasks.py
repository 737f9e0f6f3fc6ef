"""Celery tasks for the register: thin wrappers over services."""

from celery import shared_task
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tasks import SchoolTask, send_owed

from . import mis_import, notices


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_parents_of_sen_support(*, school_id: int, record_id: int) -> int:
    """E-mail each linked parent the formal notice that their child now receives SEN
    support (Code 6.43). Returns how many notices were sent by this run."""
    return notices.send_sen_support_notices(school=School.objects.get(pk=school_id),
                                            record_id=record_id)


@shared_task
def send_owed_notices() -> int:
    """Beat, every five minutes: send again the notices of each period of SEN support whose
    parents were never told. Returns how many were sent to the broker."""
    now = timezone.now()
    return send_owed(lambda school: [(notify_parents_of_sen_support, {"record_id": pk})
                                     for pk in notices.owed_notices(now)])


@shared_task(base=SchoolTask, bind=True, ignore_result=False)  # its progress is read
def apply_pupil_import(self, *, school_id: int, import_id: int) -> str:
    """Apply a confirmed pupil import (all or nothing), telling its progress as it goes."""
    def progress(done, total):
        if not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return mis_import.import_apply(import_id=import_id, task_id=self.request.id or "",
                                   progress=progress).status
