"""The formal notice to parents that their child is receiving SEN support (Code 6.43)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import ParentLink, SenProvisionRecord, SenSupportNotice
from .rules import STATUSES_NOTIFIED_TO_PARENTS


def send_sen_support_notices(*, record_id: int) -> int:
    """Send each linked parent one notice for this period of SEN support.

    Idempotent: a notice is recorded under a unique key (record, parent) in the same
    transaction as the send is decided, so a second run, or a retry after a crash, sends
    nothing twice. Returns the number sent by this call.
    """
    record = SenProvisionRecord.objects.select_related("pupil", "school").get(pk=record_id)
    if record.status not in STATUSES_NOTIFIED_TO_PARENTS or record.ended_on is not None:
        return 0
    sent = 0
    links = ParentLink.objects.filter(pupil=record.pupil).select_related("parent")
    for link in links:
        try:
            with transaction.atomic():
                SenSupportNotice.objects.create(
                    school=record.school, record=record, parent=link.parent
                )
                context = {"record": record, "pupil": record.pupil, "parent": link.parent,
                           "school": record.school}
                send_mail(
                    subject=f"{record.pupil.first_name} is receiving SEN support at "
                    f"{record.school.name}",
                    message=render_to_string("pupils/email/sen_support_notice.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[link.parent.email],
                )
        except IntegrityError:
            continue  # already sent by an earlier run
        sent += 1
    return sent
