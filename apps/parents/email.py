"""E-mail sent at most once: claimed under a unique key, sent, then marked sent
(apps/schools/once.py). Only a worker killed between sending and marking leaves a claim
unmarked: whether that e-mail went is unknown, so it is never sent again but listed
(``unconfirmed``) for someone to check, since an e-mail sent twice to a parent is worse
than one checked by hand. Callers run outside a transaction (``SchoolTask.atomic =
False``)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from apps.pupils.models import SenSupportNotice
from apps.pupils.rules import NoticeGiven
from apps.schools.once import at_most_once

from .models import ReminderSent

# Longer than any send takes: a claim this old and still unmarked was never finished.
UNCONFIRMED_AFTER = datetime.timedelta(minutes=10)


@dataclass
class Email:
    key: str
    to: str
    subject: str
    body: str
    attachments: list = field(default_factory=list)


def send_once(school, email: Email) -> bool:
    """Send ``email`` unless its key was claimed before. Returns whether it sent now."""
    def send():
        message = EmailMessage(subject=email.subject, body=email.body, to=[email.to],
                               from_email=settings.DEFAULT_FROM_EMAIL)
        for attachment in email.attachments:
            message.attach(*attachment)
        message.send()

    return at_most_once(
        school=school, what=email.key, act=send,
        claims=lambda: ReminderSent.objects.filter(key=email.key),
        claim=lambda: ReminderSent.objects.create(school=school, key=email.key,
                                                  recipient=email.to))


NOTICE = "sen-support-notice"


def unconfirmed() -> dict[str, tuple[object, str]]:
    """E-mails (of the school in scope) whose worker died between sending and marking,
    claimed more than ten minutes ago: {key: (the claim, its recipient)}. The SEN support
    notice (apps/pupils/notices.py) is claimed the same way; its key here is
    ``sen-support-notice:<record>:parent-<id>`` (or ``:young-person``)."""
    before = timezone.now() - UNCONFIRMED_AFTER
    found = {claim.key: (claim, claim.recipient) for claim in ReminderSent.objects.filter(
        sent_at__isnull=True, claimed_at__lt=before).order_by("claimed_at")}
    for notice in (SenSupportNotice.objects.filter(given=NoticeGiven.EMAIL, sent_at__isnull=True,
                                                   claimed_at__lt=before)
                   .select_related("parent", "record__pupil").order_by("claimed_at")):
        reader = f"parent-{notice.parent_id}" if notice.parent_id else "young-person"
        found[f"{NOTICE}:{notice.record_id}:{reader}"] = (
            notice, notice.parent.email if notice.parent else notice.record.pupil.email)
    return found


def email_text(template: str, context: dict) -> str:
    return render_to_string(template, context).strip() + "\n"
