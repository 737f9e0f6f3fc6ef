"""The caseload's tasks: the daily digest (beat runs ``daily_reminders`` every day at 07:00,
backend/settings.py, and it fans out one ``school_daily_digest`` per school) and print
runs for parents' evenings (print_layout.py)."""

from celery import shared_task
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tasks import SchoolTask, send_owed
from apps.schools.tenancy import school_scope

from . import digest, print_layout


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


@shared_task(base=SchoolTask, atomic=False, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=3)
def render_print_run(*, school_id: int, run_id: int) -> bool:
    return print_layout.print_render(school=School.objects.get(pk=school_id), run_id=run_id)


@shared_task
def send_owed_prints() -> int:
    """Beat, every five minutes: send again each print run still owed (print_layout.py).
    Returns how many were sent to the broker."""
    now = timezone.now()
    return send_owed(lambda school: [(render_print_run, {"run_id": pk})
                                     for pk in print_layout.owed_runs(now)])


@shared_task
def forget_old_prints() -> int:
    """Beat, every night: delete each school's print runs older than ``PRINT_KEPT``, with
    their PDFs. Returns how many were deleted."""
    now, forgotten = timezone.now(), 0
    for school in School.objects.order_by("pk"):
        with school_scope(school):
            forgotten += print_layout.prints_forget(now)
    return forgotten
