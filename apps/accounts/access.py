"""The doors from an id in a URL to a membership or an invitation (or 404)."""

from apps.schools.access import get_or_404

from .selectors import invitations_visible_to, members_visible_to


def access_member(membership, member_id):
    return get_or_404(members_visible_to(membership), member_id)


def access_invitation(membership, invitation_id):
    return get_or_404(invitations_visible_to(membership), invitation_id)
