"""Invitations: how a person joins a school.

The SENCO or head invites staff with a role; the SENCO invites parents from their child's
page (``pupils.services.parent_invite``); whoever runs the service invites a new school's
first SENCO (``accounts.onboarding``). Each invitation e-mails a link that is

- signed (``django.core.signing`` with the project's secret key): it names the school, the
  invitation and the link's random key, and cannot be made up or altered;
- single-use: accepting it records ``accepted_at``, and the same link then says so;
- short-lived: it stops working ``LINK_LIFETIME`` after it was sent; a resend makes a new
  link (a new key) and the old one stops working at once.

Someone new sets a password and is signed in; someone who already has an account (a trust
lead, a parent with a child at another school, a leaver coming back) signs in and accepts
a new membership. Every step is in the audit trail: invitations and memberships are
registered with it (apps/audit/trail.py).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.schools.models import Membership

from .invitation_link import State, new_link, state_of
from .models import Invitation
from .selectors import account_with
from .tasks import send_invitation, send_renewal_request

User = get_user_model()


def _refuse_a_member(school, email: str) -> None:
    """Inviting someone who already belongs to the school is a mistake: say whom."""
    current = (Membership.objects.filter(school=school, user__email__iexact=email)
               .select_related("user").first())
    if current:
        raise ValidationError({"email": (
            f"{current.user.email} is already a member of this school, as "
            f"{current.get_role_display()}.")})


def invite(*, school, email: str, first_name: str, last_name: str, role: str,
           actor=None, classes=()) -> Invitation:
    """Invite someone to the school in a role, and e-mail them the link after commit.
    Refused for a current member (named in the message) and for someone already invited
    and not yet answered (resend that invitation instead)."""
    email = User.objects.normalize_email(email).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an e-mail address in the correct format, "
                               "like name@example.org"}) from None
    _refuse_a_member(school, email)
    invitation = Invitation(school=school, email=email, first_name=first_name.strip(),
                            last_name=last_name.strip(), role=role, invited_by=actor,
                            classes=list(classes))
    new_link(invitation)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError({"email": (
            f"{email} has already been invited and has not answered yet. Resend that "
            "invitation from the people page instead.")}) from None
    send_invitation.delay_on_commit(school_id=school.pk, invitation_id=invitation.pk)
    return invitation


def _waiting(invitation) -> None:
    state = state_of(invitation)
    if state is State.ACCEPTED:
        raise ValidationError(f"{invitation.email} has already accepted this invitation.")
    if state is State.REVOKED:
        raise ValidationError("This invitation has been withdrawn.")


@transaction.atomic
def resend(*, invitation, actor) -> Invitation:
    """A new link for an invitation not yet accepted (an expired one included); the old
    link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _waiting(invitation)
    new_link(invitation)
    invitation.save(update_fields=["link_key", "sent_at", "expires_at"])
    send_invitation.delay_on_commit(school_id=invitation.school_id,
                                    invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def revoke(*, invitation, actor) -> Invitation:
    """Withdraw an invitation not yet accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _waiting(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def account_for(invitation):
    """The account the invitation's e-mail address already has, if any."""
    return account_with(invitation.email)


def needs_sign_in(invitation) -> bool:
    """Whether the person must sign in to accept (they have an account with a password)
    rather than set a password."""
    user = account_for(invitation)
    return user is not None and user.has_usable_password()


@transaction.atomic
def accept(*, invitation, user=None, password: str = "", first_name: str = "",
           last_name: str = ""):
    """Accept an invitation: as ``user`` (signed in, with the invited e-mail address), or
    as someone new who sets ``password``. Makes the membership (bringing back a leaver's
    with the new role) and returns the user. Taken under a lock, so a link used twice at
    the same moment is accepted once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if state_of(invitation) is not State.WAITING:
        raise ValidationError("This invitation can no longer be accepted.")
    account = account_for(invitation)
    if user is not None:
        if account is None or account.pk != user.pk:
            raise ValidationError(
                f"This invitation is for {invitation.email}. Sign out, then sign in with "
                "that address to accept it.")
    elif account is not None and account.has_usable_password():
        raise ValidationError(f"Sign in as {invitation.email} to accept this invitation.")
    else:
        user = account or User(email=invitation.email)
        user.first_name = first_name.strip() or invitation.first_name
        user.last_name = last_name.strip() or invitation.last_name
        user.set_password(password)
        user.save()
    membership = Membership.everyone.filter(school=invitation.school_id, user=user).first()
    if membership is not None and membership.left_on is None:
        raise ValidationError(
            f"{user.email} is already a member of this school, as "
            f"{membership.get_role_display()}.")
    if membership is None:
        membership = Membership(school_id=invitation.school_id, user=user)
    membership.role, membership.left_on = invitation.role, None
    membership.classes = invitation.classes
    membership.save()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def ask_for_renewal(*, invitation, link_key: str) -> bool:
    """Someone holding an expired or replaced link asks for a new one: the person who
    invited them (or, if they have gone, the school's SENCOs) is e-mailed, once per link.
    Returns whether the school was told now."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if state_of(invitation) in (State.ACCEPTED, State.REVOKED) or (
                invitation.renewal_asked_key == link_key):
            return False
        invitation.renewal_asked_key = link_key
        invitation.save(update_fields=["renewal_asked_key"])
    send_renewal_request.delay_on_commit(school_id=invitation.school_id,
                                         invitation_id=invitation.pk)
    return True
