"""The one door from an id to a plan, cycle or cycle record the member may see."""

from django.http import Http404

from apps.schools.models import Membership

from .selectors import visible


def access(model, membership: Membership, pk):
    """The object, if it is about a pupil this member may see; otherwise 404 — the same
    answer for missing, another school's, and another pupil's."""
    try:
        return visible(model, membership).get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None
