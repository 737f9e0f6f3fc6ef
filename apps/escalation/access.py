"""The doors from an id to a request for an EHC needs assessment, or an annual review of
an EHC plan, the member may see."""

from apps.pupils.selectors import about_pupils_visible_to
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import AnnualReview, EhcRequest, EscalationDecision


def ehc_requests_visible_to(membership: Membership):
    return about_pupils_visible_to(EhcRequest, membership)


def decisions_visible_to(membership: Membership):
    return about_pupils_visible_to(EscalationDecision, membership)


def access_ehc_request(membership: Membership, pk) -> EhcRequest:
    return get_or_404(ehc_requests_visible_to(membership).select_related("pupil"), pk)


def annual_reviews_visible_to(membership: Membership):
    return about_pupils_visible_to(AnnualReview, membership)


def access_annual_review(membership: Membership, pk) -> AnnualReview:
    return get_or_404(annual_reviews_visible_to(membership).select_related("pupil"), pk)
