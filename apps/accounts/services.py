"""Verbs about a person's own sign-in."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token


@transaction.atomic
def sign_out_everywhere(*, user) -> None:
    """End every session of this person, on every device, and revoke their API token."""
    get_user_model().objects.filter(pk=user.pk).update(
        session_epoch=F("session_epoch") + 1)
    Token.objects.filter(user_id=user.pk).delete()


@transaction.atomic
def reset_two_factor(*, user) -> int:
    """A lost phone: remove the person's authenticator apps and end every session they
    have, so that only someone who signs in afresh (and sets up a new app) gets in."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    sign_out_everywhere(user=user)
    return removed
