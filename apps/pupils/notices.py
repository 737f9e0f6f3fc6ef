"""The formal notice to parents that their child is receiving SEN support (Code 6.43)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone

from apps.schools.tenancy import school_scope
from backend.once import at_most_once

from .models import ParentLink, SenProvisionRecord, SenSupportNotice
from .rules import STATUSES_NOTIFIED_TO_PARENTS

logger = logging.getLogger(__name__)


def send_sen_support_notices(*, school, record_id: int) -> int:
    """Send each linked parent one notice for this period of SEN support.

    At most once each (backend/once.py): the notice is claimed under its unique key
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
    return sum(_send_once(school, record, parent, subject, body) for parent, body in notices)


def _send_once(school, record, parent, subject: str, body: str) -> bool:
    def notice():
        return SenSupportNotice.objects.filter(record=record, parent=parent)

    def claim() -> bool:
        try:
            with school_scope(school):
                SenSupportNotice.objects.create(school=school, record=record, parent=parent)
        except IntegrityError:
            with school_scope(school):
                if notice().filter(sent_at__isnull=True).exists():
                    logger.warning("notice claimed but never marked sent: not sent again",
                                   extra={"record": record.pk, "school": school.slug})
            return False
        return True

    def mark():
        with school_scope(school):
            notice().update(sent_at=timezone.now())

    def release():
        with school_scope(school):
            notice().filter(sent_at__isnull=True).delete()

    return at_most_once(
        claim=claim, mark=mark, release=release,
        act=lambda: send_mail(subject=subject, message=body,
                              from_email=settings.DEFAULT_FROM_EMAIL,
                              recipient_list=[parent.email]))
