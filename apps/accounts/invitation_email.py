"""The invitation e-mail, sent once for each link, and sent again if it was owed."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse

from apps.schools.models import Membership
from apps.schools.roles import Role
from apps.schools.tasks import OWED_AFTER

from .invitation_link import State, link_token, state_of
from .models import Invitation


def invitation_url(invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation",
                                       kwargs={"token": link_token(invitation)})


def send_invitation_email(*, invitation_id: int) -> bool:
    """E-mail the invitation's current link, unless it was e-mailed already, has been
    answered or replaced. The row is locked while the send is decided and marked in the same
    transaction, so two runs (a retry, a second worker) send it once.

    At least once, unlike e-mail to parents (apps/schools/once.py): a worker killed between
    sending and committing leaves the link unmarked, and it is sent again. The same link
    arriving twice does no harm; an invitation never sent keeps someone out."""
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",))
                      .select_related("school", "invited_by").get(pk=invitation_id))
        if state_of(invitation) is not State.WAITING or (
                invitation.emailed_key == invitation.link_key):
            return False
        context = {"invitation": invitation, "school": invitation.school,
                   "url": invitation_url(invitation)}
        send_mail(
            subject=f"You are invited to {invitation.school.name}'s SEN support records",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[invitation.email])
        invitation.emailed_key = invitation.link_key
        invitation.save(update_fields=["emailed_key"])
    return True


def owed_invitation_emails(now: datetime.datetime) -> list[int]:
    """The school's invitations still waiting whose current link was never e-mailed (the
    broker was out of reach when it was made, or its task was lost)."""
    return list(Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now,
        sent_at__lt=now - OWED_AFTER).exclude(emailed_key=F("link_key"))
        .values_list("pk", flat=True))


def send_renewal_request_email(*, invitation_id: int) -> int:
    """E-mail whoever sent the invitation (or, if they have left, the school's SENCOs)
    that its holder asks for a new link. Returns how many were told."""
    invitation = Invitation.objects.select_related("school", "invited_by").get(
        pk=invitation_id)
    senders = [invitation.invited_by] if invitation.invited_by else []
    current = Membership.objects.filter(school=invitation.school_id)
    if not senders or not current.filter(user=invitation.invited_by).exists():
        senders = [m.user for m in current.filter(role=Role.SENCO).select_related("user")]
    people = settings.SITE_URL + reverse("people:people",
                                         kwargs={"school": invitation.school.slug})
    for person in senders:
        send_mail(
            subject=f"{invitation.full_name} asks for a new invitation",
            message=render_to_string("accounts/email/renewal_request.txt", {
                "invitation": invitation, "person": person, "url": people}),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[person.email])
    return len(senders)
