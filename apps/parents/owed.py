"""Work owed after a write, found in the database and sent again.

Sharing a plan owes its PDF (a shared plan without ``pdf``); planning a meeting owes the
parents' invitations (``invitations_sent_at`` empty). Each is sent after its write commits
(SchoolTask.delay_or_owe); if the broker was out of reach then, or the worker lost the
task, beat's sweep (tasks.send_owed_work) finds it here, school by school, every few
minutes, and sends each item again as a task of its own school. Sending twice
does no harm: the PDF is rendered once under a row lock, and each invitation is sent
once under its key."""

import datetime

from django.utils import timezone

from apps.schools.tasks import OWED_AFTER

from .models import ParentMeeting, PlanSnapshot


def owed_pdfs(now: datetime.datetime) -> list[int]:
    """The school's shared plans still without their PDF."""
    return list(PlanSnapshot.objects.filter(pdf="", shared_at__lt=now - OWED_AFTER)
                .values_list("pk", flat=True))


def owed_invitations(now: datetime.datetime) -> list[int]:
    """The school's planned meetings still to come whose parents are not yet invited."""
    return list(ParentMeeting.objects.filter(
        held=False, invitations_sent_at__isnull=True, date__gte=timezone.localdate(now),
        created_at__lt=now - OWED_AFTER).values_list("pk", flat=True))
