"""The formal notice to parents that their child is receiving SEN support (Code 6.43)."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from apps.schools.once import at_most_once
from apps.schools.tasks import OWED_AFTER
from apps.schools.tenancy import school_scope

from .models import ParentLink, SenProvisionRecord, SenSupportNotice
from .rules import STATUSES_NOTIFIED_TO_PARENTS


def send_sen_support_notices(*, school, record_id: int) -> int:
    """Send each linked parent one notice for this period of SEN support.

    At most once each (apps/schools/once.py): the notice is claimed under its unique key
    (record, parent) and committed before it is sent, then marked sent, so a second run,
    or the task delivered again after its worker died, sends nothing twice. Runs outside
    a transaction, reading in the school's scope step by step. Returns the number sent by
    this call."""
    with school_scope(school):
        record = SenProvisionRecord.objects.select_related("pupil", "school").get(pk=record_id)
        if record.status not in STATUSES_NOTIFIED_TO_PARENTS or record.ended_on is not None:
            return 0
        notices = [(link.parent, render_to_string("pupils/email/sen_support_notice.txt", {
            "record": record, "pupil": record.pupil, "parent": link.parent,
            "school": record.school}))
            for link in ParentLink.objects.filter(pupil=record.pupil).select_related("parent")]
    subject = f"{record.pupil.first_name} is receiving SEN support at {record.school.name}"
    sent = sum(_send_once(school, record, parent, subject, body) for parent, body in notices)
    with school_scope(school):
        SenProvisionRecord.objects.filter(pk=record.pk).update(notices_sent_at=timezone.now())
    return sent


def owed_notices(now: datetime.datetime) -> list[int]:
    """The school's open periods of SEN support whose parents' notices were never sent
    (the broker was out of reach, or the task was lost)."""
    return list(SenProvisionRecord.objects.filter(
        status__in=STATUSES_NOTIFIED_TO_PARENTS, ended_on__isnull=True,
        notices_sent_at__isnull=True, recorded_at__lt=now - OWED_AFTER)
        .values_list("pk", flat=True))


def _send_once(school, record, parent, subject: str, body: str) -> bool:
    return at_most_once(
        school=school, what=f"sen-support-notice:{record.pk}:{parent.pk}",
        claims=lambda: SenSupportNotice.objects.filter(record=record, parent=parent),
        claim=lambda: SenSupportNotice.objects.create(school=school, record=record,
                                                      parent=parent),
        act=lambda: send_mail(subject=subject, message=body,
                              from_email=settings.DEFAULT_FROM_EMAIL,
                              recipient_list=[parent.email]))
