"""E-mail sent at most once: each message is claimed under a unique key before it goes."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import ReminderSent


def send_once(*, school, key: str, to: str, subject: str, body: str,
              attachments=()) -> bool:
    """Send one e-mail under a unique key. The key is claimed in the same transaction, so a
    second run, or a retry after a crash, sends nothing twice. Returns whether it sent."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(school=school, key=key, recipient=to)
            message = EmailMessage(subject=subject, body=body, to=[to],
                                   from_email=settings.DEFAULT_FROM_EMAIL)
            for attachment in attachments:
                message.attach(*attachment)
            message.send()
    except IntegrityError:
        return False
    return True


def email_text(template: str, context: dict) -> str:
    return render_to_string(template, context).strip() + "\n"
