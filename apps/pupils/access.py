"""The one door from a pupil id to a pupil the member may see."""

from django.http import Http404

from apps.schools.models import Membership

from .models import Pupil
from .selectors import pupils_visible_to, with_sen_status


def access_pupil(membership: Membership, pupil_id) -> Pupil:
    """The pupil, if this member of the school may see them; otherwise 404 — the same
    answer for "no such pupil", "another school's pupil" and "not one of yours"."""
    try:
        return with_sen_status(pupils_visible_to(membership)).get(pk=int(pupil_id))
    except (Pupil.DoesNotExist, ValueError, TypeError):
        raise Http404("No such pupil.") from None
