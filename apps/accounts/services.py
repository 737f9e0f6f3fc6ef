"""Verbs about a person's own sign-in."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from rest_framework.authtoken.models import Token


@transaction.atomic
def sign_out_everywhere(*, user) -> None:
    """End every session of this person, on every device, and revoke their API token."""
    get_user_model().objects.filter(pk=user.pk).update(
        session_epoch=F("session_epoch") + 1)
    Token.objects.filter(user_id=user.pk).delete()
