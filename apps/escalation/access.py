"""The door from an id to a request for an EHC needs assessment the member may see."""

from apps.pupils.selectors import pupils_visible_to
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import EhcRequest, EscalationDecision


def ehc_requests_visible_to(membership: Membership):
    return EhcRequest.objects.filter(pupil__in=pupils_visible_to(membership))


def decisions_visible_to(membership: Membership):
    return EscalationDecision.objects.filter(pupil__in=pupils_visible_to(membership))


def access_ehc_request(membership: Membership, pk) -> EhcRequest:
    return get_or_404(ehc_requests_visible_to(membership).select_related("pupil"), pk)
