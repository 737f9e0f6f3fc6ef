"""The door from an id to a request for an EHC needs assessment the member may see."""

from apps.pupils.selectors import about_pupils_visible_to
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import EhcRequest, EscalationDecision


def ehc_requests_visible_to(membership: Membership):
    return about_pupils_visible_to(EhcRequest, membership)


def decisions_visible_to(membership: Membership):
    return about_pupils_visible_to(EscalationDecision, membership)


def access_ehc_request(membership: Membership, pk) -> EhcRequest:
    return get_or_404(ehc_requests_visible_to(membership).select_related("pupil"), pk)
