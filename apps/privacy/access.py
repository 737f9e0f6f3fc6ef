"""The door from an id in a URL to a record received from another school (or 404)."""

from apps.pupils.models import Pupil
from apps.schools.access import get_or_404
from apps.schools.models import Membership
from apps.schools.roles import Action, role_may

from .models import ReceivedRecord


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
