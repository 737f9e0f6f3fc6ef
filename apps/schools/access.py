"""The one door from a school in a URL to a school the user may act in."""

from django.db.models import Count, OuterRef, Subquery
from django.http import Http404

from .models import Membership


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
