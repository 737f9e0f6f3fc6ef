"""Work owed after a write, found in the database and sent again.

Sharing a plan owes its PDF (a shared plan without ``pdf``) and the parents' e-mail
(``parents_told_at`` empty), as sharing a one-page profile owes theirs; planning a
meeting owes the parents' invitations (``invitations_sent_at`` empty); parents' views owe
the staff's e-mail (``staff_told_at`` empty). Each is sent after its write commits
(SchoolTask.delay_or_owe); if the broker was out of reach then, or the worker lost the
task, beat's sweep (tasks.send_owed_work) finds it here, school by school, every few
minutes, and sends each item again as a task of its own school. Sending twice does no
harm: the PDF is rendered once under a row lock, and each e-mail is sent once under its
key."""

import datetime

from django.utils import timezone

from apps.reviews.models import ParentViews
from apps.schools.tasks import OWED_AFTER

from .models import ParentMeeting, PlanSnapshot, SharedProfile


def owed_pdfs(now: datetime.datetime) -> list[int]:
    """The school's shared plans still without their PDF."""
    return list(PlanSnapshot.objects.filter(pdf="", shared_at__lt=now - OWED_AFTER)
                .values_list("pk", flat=True))


def owed_invitations(now: datetime.datetime) -> list[int]:
    """The school's planned meetings still to come whose parents are not yet invited."""
    return list(ParentMeeting.objects.filter(
        held=False, invitations_sent_at__isnull=True, date__gte=timezone.localdate(now),
        created_at__lt=now - OWED_AFTER).values_list("pk", flat=True))


def owed_share_emails(now: datetime.datetime) -> list[int]:
    """The school's shared plans whose parents are not yet e-mailed about them."""
    return list(PlanSnapshot.objects.filter(parents_told_at__isnull=True,
                                            shared_at__lt=now - OWED_AFTER)
                .values_list("pk", flat=True))


def owed_views_emails(now: datetime.datetime) -> list[int]:
    """Parents' views the SENCO and class teachers are not yet e-mailed about."""
    return list(ParentViews.objects.filter(staff_told_at__isnull=True,
                                           created_at__lt=now - OWED_AFTER)
                .values_list("pk", flat=True))


def owed_profile_emails(now: datetime.datetime) -> list[int]:
    """The school's shared profiles whose parents are not yet e-mailed about them."""
    return list(SharedProfile.objects.filter(parents_told_at__isnull=True,
                                             shared_at__lt=now - OWED_AFTER)
                .values_list("pk", flat=True))
