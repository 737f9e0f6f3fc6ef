"""The doors from an id in a URL to a pupil, a parent link or a pupil import (or 404)."""

from django.http import Http404

from apps.schools.access import get_or_404
from apps.schools.models import Membership
from apps.schools.roles import Action, role_may

from .models import ParentLink, Profile, Pupil, PupilImport
from .selectors import about_pupils_visible_to, pupils_visible_to, with_sen_status


def access_pupil(membership: Membership, pupil_id) -> Pupil:
    """The pupil, with their SEN status, if this member of the school may see them;
    otherwise 404, the same answer for "no such pupil", "another school's pupil" and "not
    one of yours"."""
    return get_or_404(with_sen_status(pupils_visible_to(membership)), pupil_id)


def access_pupils(membership: Membership, pupil_ids) -> list[Pupil]:
    """Several pupils at once (a bulk action), in name order: each must be one this member
    may see, or the whole is a 404, as ``access_pupil`` answers for one."""
    try:
        ids = {int(pk) for pk in pupil_ids}
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    pupils = list(with_sen_status(pupils_visible_to(membership)).filter(pk__in=ids)
                  .order_by("last_name", "first_name", "pk"))
    if len(pupils) != len(ids):
        raise Http404("Not found.")
    return pupils


def access_parent_link(membership: Membership, pupil: Pupil, link_id) -> ParentLink:
    """One of this pupil's parent links (the pupil having come through access_pupil)."""
    return get_or_404(pupil.parent_links.select_related("parent"), link_id)


def pupil_imports_visible_to(membership: Membership):
    """Imports of the school, for those who may import (everyone else: none)."""
    if not role_may(membership.role, Action.IMPORT_PUPILS):
        return PupilImport.objects.none()
    return PupilImport.objects.select_related("uploaded_by")


def access_pupil_import(membership: Membership, import_id) -> PupilImport:
    return get_or_404(pupil_imports_visible_to(membership), import_id)


def profiles_visible_to(membership: Membership):
    """Every version of the one-page profiles of the pupils this member may see."""
    return about_pupils_visible_to(Profile, membership).select_related("written_by")


def access_profile(membership: Membership, profile_id) -> Profile:
    return get_or_404(profiles_visible_to(membership), profile_id)
