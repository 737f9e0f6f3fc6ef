"""Celery tasks for a pupil's record: thin wrappers, idempotent by their keys."""

from celery import shared_task
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tasks import SchoolTask, send_owed
from apps.schools.tenancy import school_scope

from . import transfer_worker


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def tell_sencos_of_transfer(*, school_id: int, incoming_id: int) -> int:
    return transfer_worker.tell_sencos_of_transfer(school=School.objects.get(pk=school_id),
                                                  incoming_id=incoming_id)


@shared_task
def send_owed_transfer_emails() -> int:
    """Beat, every five minutes: e-mail again the SENCOs of each school a record is
    waiting at, where the broker or a lost worker left it owed."""
    now = timezone.now()
    return send_owed(lambda school: [
        (tell_sencos_of_transfer, {"incoming_id": pk})
        for pk in transfer_worker.owed_transfer_emails(now)])


@shared_task
def forget_unclaimed_transfers() -> int:
    """Beat, every night: each school's records sent to it that never became a pupil's,
    a year on (transfer_worker.transfers_forget). Returns how many were deleted."""
    now, forgotten = timezone.now(), 0
    for school in School.objects.order_by("pk"):
        with school_scope(school):
            forgotten += transfer_worker.transfers_forget(now)
    return forgotten
