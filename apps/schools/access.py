"""The one door from a school in a URL to a school the user may act in."""

from django.db.models import Count, OuterRef, Subquery
from django.http import Http404

from .models import Membership
from .roles import Role


def access_school(user, slug: str) -> Membership:
    """The user's membership of the school with this slug, or 404.

    The same 404 answers "no such school" and "not your school", so the response never
    confirms that another school exists.
    """
    if not user.is_authenticated:
        raise Http404("No such school.")
    # How many schools the user belongs to (pages offer a switch when more than one), read
    # with the membership rather than asked again on every page.
    held = (Membership.objects.filter(user=OuterRef("user")).order_by().values("user")
            .annotate(n=Count("pk")).values("n"))
    membership = (
        Membership.objects.select_related("school", "school__trust")
        .annotate(school_count=Subquery(held))
        .filter(user=user, school__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such school.")
    return membership


def get_or_404(queryset, pk):
    """The row of ``queryset`` with this id, or 404: the same answer for no such row,
    another school's, one the member may not see, and an id that is not a number. Every
    access function is this over what the member may see."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def access_trust(user, trust_id) -> list[Membership]:
    """The user's trust-lead memberships of the schools of this trust, each with its school,
    or 404: the same for no such trust and a trust the user leads no school of. A trust
    view shows these schools only, nothing the lead could not open school by school."""
    try:
        trust_id = int(trust_id)
    except (TypeError, ValueError):
        raise Http404("No such trust.") from None
    memberships = list(Membership.objects.select_related("school", "school__trust").filter(
        user=user, role=Role.TRUST_LEAD, school__trust_id=trust_id)
        .order_by("school__name"))
    if not memberships:
        raise Http404("No such trust.")
    return memberships
