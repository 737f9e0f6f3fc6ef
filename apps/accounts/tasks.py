"""Celery tasks for accounts: thin wrappers over services."""

from celery import shared_task
from django.utils import timezone

from apps.schools.tasks import SchoolTask, send_owed

from .invitation_email import (
    owed_invitation_emails,
    send_invitation_email,
    send_renewal_request_email,
)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(*, school_id: int, invitation_id: int) -> bool:
    """E-mail an invitation's link (once per link)."""
    return send_invitation_email(invitation_id=invitation_id)


@shared_task(base=SchoolTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_renewal_request(*, school_id: int, invitation_id: int) -> int:
    """Tell the school that someone asks for a new invitation link."""
    return send_renewal_request_email(invitation_id=invitation_id)


@shared_task
def send_owed_invitations() -> int:
    """Beat, every five minutes: e-mail again each invitation whose link was never sent.
    Returns how many were sent to the broker."""
    now = timezone.now()
    return send_owed(lambda school: [(send_invitation, {"invitation_id": pk})
                                     for pk in owed_invitation_emails(now)])
