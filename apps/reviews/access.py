"""The door from an id to a review the member may see."""

from apps.plans.models import Cycle
from apps.plans.selectors import visible
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import Review


def reviews_visible_to(membership: Membership):
    """Reviews of the cycles this member may see."""
    return Review.objects.filter(cycle__in=visible(Cycle, membership))


def access_review(membership: Membership, pk) -> Review:
    return get_or_404(reviews_visible_to(membership).select_related("cycle"), pk)
