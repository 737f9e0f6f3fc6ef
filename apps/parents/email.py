"""E-mail sent at most once: claimed under a unique key, sent, then marked sent.

The claim is committed before the e-mail goes, and the mark after: a second run of the
same task, or a task delivered again after its worker died, finds the claim and sends
nothing. If sending fails with an error, the claim is released so that the task's retry
can send it. Only a worker killed between sending and marking leaves a claim unmarked:
whether that e-mail went is unknown, so it is never sent again but logged and listed
(``unconfirmed``) for someone to check, since an e-mail sent twice to a parent is worse
than one checked by hand.

Callers run outside a transaction (``SchoolTask.atomic = False``), so each step here
commits on its own; inside one (a test, a caller's block) the steps are savepoints."""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone

from apps.pupils.models import SenSupportNotice
from apps.schools.tenancy import school_scope
from backend.once import at_most_once

from .models import ReminderSent

logger = logging.getLogger(__name__)
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
    def claims():  # a queryset is made inside the school's scope
        return ReminderSent.objects.filter(key=email.key)

    def claim() -> bool:
        try:
            with school_scope(school):
                ReminderSent.objects.create(school=school, key=email.key, recipient=email.to)
        except IntegrityError:
            with school_scope(school):
                if claims().filter(sent_at__isnull=True).exists():
                    logger.warning("e-mail claimed but never marked sent: not sent again",
                                   extra={"key": email.key, "school": school.slug})
            return False
        return True

    def send():
        message = EmailMessage(subject=email.subject, body=email.body, to=[email.to],
                               from_email=settings.DEFAULT_FROM_EMAIL)
        for attachment in email.attachments:
            message.attach(*attachment)
        message.send()

    def mark():
        with school_scope(school):
            claims().update(sent_at=timezone.now())

    def release():
        with school_scope(school):
            claims().filter(sent_at__isnull=True).delete()

    return at_most_once(claim=claim, act=send, mark=mark, release=release)


NOTICE = "sen-support-notice"


def unconfirmed() -> dict[str, tuple[object, str]]:
    """E-mails (of the school in scope) whose worker died between sending and marking,
    claimed more than ten minutes ago: {key: (the claim, its recipient)}. The SEN support
    notice (apps/pupils/notices.py) is claimed the same way; its key here is
    ``sen-support-notice:<record>:<parent>``."""
    before = timezone.now() - UNCONFIRMED_AFTER
    found = {claim.key: (claim, claim.recipient) for claim in ReminderSent.objects.filter(
        sent_at__isnull=True, claimed_at__lt=before).order_by("claimed_at")}
    for notice in (SenSupportNotice.objects.filter(sent_at__isnull=True, claimed_at__lt=before)
                   .select_related("parent").order_by("claimed_at")):
        found[f"{NOTICE}:{notice.record_id}:{notice.parent_id}"] = (notice, notice.parent.email)
    return found


def email_text(template: str, context: dict) -> str:
    return render_to_string(template, context).strip() + "\n"
