"""The link in an invitation: signed, single-use, short-lived (see ``invitations.py``)."""

import secrets
from datetime import timedelta
from enum import StrEnum

from django.core import signing
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tenancy import school_scope

from .models import Invitation

# A week: long enough for someone who reads school e-mail on Mondays, short enough that a
# link forwarded or left in an inbox soon stops working.
LINK_LIFETIME = timedelta(days=7)
SALT = "accounts.invitation"


class State(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATE_LABELS = {State.WAITING: "Waiting", State.ACCEPTED: "Accepted",
                State.EXPIRED: "Expired", State.REVOKED: "Withdrawn"}


def state_of(invitation, now=None) -> State:
    if invitation.accepted_at:
        return State.ACCEPTED
    if invitation.revoked_at:
        return State.REVOKED
    if (now or timezone.now()) >= invitation.expires_at:
        return State.EXPIRED
    return State.WAITING


def new_link(invitation) -> None:
    """Give the invitation a fresh link: a new random key, valid from now."""
    invitation.link_key = secrets.token_urlsafe(32)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + LINK_LIFETIME


def link_token(invitation) -> str:
    """The signed part of the invitation's link. (When it stops working is kept on the
    invitation, not in the link: a resend can then end an old link at once.)"""
    return signing.Signer(salt=SALT).sign_object(
        {"s": invitation.school_id, "i": invitation.pk, "k": invitation.link_key})


class LinkRefused(Exception):
    """A link that cannot be used, with what to tell the person who followed it."""

    def __init__(self, reason: str, invitation=None, link_key: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation
        self.link_key = link_key


# reason -> what the page says
LINK_REASONS = {
    "invalid": "This link is not valid. Check that you copied the whole link from the "
               "e-mail.",
    "replaced": "This link has been replaced by a newer invitation. Use the link in the "
                "most recent e-mail.",
    "used": "This invitation has already been used.",
    "expired": "This invitation has expired.",
    "revoked": "This invitation has been withdrawn by the school.",
}


def invitation_from_token(token: str) -> tuple[School, Invitation]:
    """The school and the invitation a link names, still waiting to be accepted; or
    ``LinkRefused`` saying why not. The invitation is read inside its school's scope."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        school = School.objects.get(pk=int(payload["s"]))
    except (signing.BadSignature, School.DoesNotExist, KeyError, TypeError, ValueError):
        raise LinkRefused("invalid") from None
    with school_scope(school):
        invitation = Invitation.objects.filter(pk=payload.get("i")).first()
    if invitation is None:
        raise LinkRefused("invalid")
    key = str(payload.get("k", ""))
    state = state_of(invitation)
    if state is State.ACCEPTED:
        raise LinkRefused("used", invitation, key)
    if state is State.REVOKED:
        raise LinkRefused("revoked", invitation, key)
    if not secrets.compare_digest(invitation.link_key, key):
        raise LinkRefused("replaced", invitation, key)
    if state is State.EXPIRED:
        raise LinkRefused("expired", invitation, key)
    return school, invitation
