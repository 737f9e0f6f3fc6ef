"""The one door from a pupil id to a pupil the member may see."""

from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import ParentLink, Pupil
from .selectors import pupils_visible_to, with_sen_status


def access_pupil(membership: Membership, pupil_id) -> Pupil:
    """The pupil, with their SEN status, if this member of the school may see them;
    otherwise 404, the same answer for "no such pupil", "another school's pupil" and "not
    one of yours"."""
    return get_or_404(with_sen_status(pupils_visible_to(membership)), pupil_id)


def access_parent_link(membership: Membership, pupil: Pupil, link_id) -> ParentLink:
    """One of this pupil's parent links (the pupil having come through access_pupil)."""
    return get_or_404(pupil.parent_links.select_related("parent"), link_id)
