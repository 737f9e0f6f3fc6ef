"""What the worker does for transfers within a trust (transfer.py): the receiving school's
SENCOs told that a record is waiting for them, with a link to the transfer, never the
record (each is sent once per person, send_once, then the transfer is marked; one left
unmarked is owed and sent again by beat's sweep); and, a year on, the records sent here
that never became a pupil's forgotten."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.selectors import school_members
from apps.parents.email import Email, email_text, send_once
from apps.schools.roles import Role
from apps.schools.tasks import OWED_AFTER
from apps.schools.tenancy import school_scope

from .models import IncomingTransfer
from .rules import UNCLAIMED_TRANSFER_KEPT, TransferState


def tell_sencos_of_transfer(*, school, incoming_id: int) -> int:
    with school_scope(school):
        incoming = IncomingTransfer.objects.select_related("from_school").get(pk=incoming_id)
        if incoming.state != TransferState.WAITING:
            return 0
        url = settings.SITE_URL + reverse("privacy:incoming_transfer", kwargs={
            "school": school.slug, "transfer_id": incoming.pk})
        emails = [Email(
            key=f"transfer-in:{incoming.pk}:{user.pk}", to=user.email,
            subject=f"{incoming.from_school.name} is sending {incoming.full_name}'s SEN record",
            body=email_text("privacy/email/transfer_waiting.txt", {
                "user": user, "incoming": incoming, "url": url}))
            for user in school_members(school, {Role.SENCO})]
    sent = sum(send_once(school, email) for email in emails)
    with school_scope(school):
        IncomingTransfer.objects.filter(pk=incoming_id).update(sencos_told_at=timezone.now())
    return sent


def owed_transfer_emails(now: datetime.datetime) -> list[int]:
    """The school's waiting transfers whose SENCOs are not yet e-mailed about them."""
    return list(IncomingTransfer.objects.filter(
        state=TransferState.WAITING, sencos_told_at__isnull=True,
        sent_at__lt=now - OWED_AFTER).values_list("pk", flat=True))


def transfers_forget(now) -> int:
    """Delete the school's records sent here that never became a pupil's, a year after
    they were answered (or sent, if never answered). Returns how many."""
    before = now - UNCLAIMED_TRANSFER_KEPT
    unclaimed = IncomingTransfer.objects.filter(pupil__isnull=True).filter(
        Q(answered_at__lt=before) | Q(answered_at__isnull=True, sent_at__lt=before))
    forgotten = 0
    for incoming in unclaimed:  # one by one, so each deletion is in the audit trail
        incoming.delete()
        forgotten += 1
    return forgotten
