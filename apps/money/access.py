"""The door from an id to a top-up request the member may see."""

from apps.pupils.selectors import about_pupils_visible_to
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import TopUpRequest


def top_ups_visible_to(membership: Membership):
    """Top-up requests for the pupils this member may see."""
    return about_pupils_visible_to(TopUpRequest, membership)


def access_top_up(membership: Membership, pk) -> TopUpRequest:
    return get_or_404(top_ups_visible_to(membership).select_related("pupil"), pk)
