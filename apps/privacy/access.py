"""The doors from an id in a URL to a record received from another school, a transfer
of a record within the trust, and the school a record is sent to (or 404)."""

from django.db.models import QuerySet

from apps.pupils.models import Pupil
from apps.schools.access import get_or_404
from apps.schools.models import Membership, School
from apps.schools.roles import Action, role_may

from .models import IncomingTransfer, OutgoingTransfer, ReceivedRecord


def received_records_of(membership: Membership, pupil: Pupil):
    """The histories received for this pupil (who came through access_pupil): those added
    to the record, and for whoever may receive them, those still to be checked."""
    found = ReceivedRecord.objects.filter(pupil=pupil).select_related("received_by")
    if not role_may(membership.role, Action.MANAGE_PLANS):
        found = found.filter(confirmed_at__isnull=False)
    return found


def access_received_record(membership: Membership, pupil: Pupil, received_id
                           ) -> ReceivedRecord:
    return get_or_404(received_records_of(membership, pupil), received_id)


def destinations(school: School) -> QuerySet[School]:
    """The schools a record may be sent to from ``school``: the others of its trust."""
    if school.trust_id is None:
        return School.objects.none()
    return School.objects.filter(trust_id=school.trust_id).exclude(pk=school.pk).order_by("name")


def access_destination(membership: Membership, school_id) -> School:
    """A school of the member's trust to send a record to; any other school is a 404, the
    same as one that does not exist."""
    return get_or_404(destinations(membership.school), school_id)


def outgoing_transfers_of(membership: Membership) -> QuerySet[OutgoingTransfer]:
    """The records this school has sent, for its SENCO; nothing for anyone else."""
    if not role_may(membership.role, Action.TRANSFER_RECORD):
        return OutgoingTransfer.objects.none()
    return OutgoingTransfer.objects.select_related("pupil", "to_school", "sent_by",
                                                   "answered_by")


def access_outgoing_transfer(membership: Membership, transfer_id) -> OutgoingTransfer:
    return get_or_404(outgoing_transfers_of(membership), transfer_id)


def incoming_transfers_of(membership: Membership) -> QuerySet[IncomingTransfer]:
    """The records sent to this school, for its SENCO only: anyone else, the head
    included, gets a 404, as a school outside the trust does."""
    if not role_may(membership.role, Action.TRANSFER_RECORD):
        return IncomingTransfer.objects.none()
    return IncomingTransfer.objects.select_related("from_school", "pupil", "answered_by")


def access_incoming_transfer(membership: Membership, transfer_id) -> IncomingTransfer:
    return get_or_404(incoming_transfers_of(membership), transfer_id)
