"""The formal notice to parents that their child is receiving SEN support (Code 6.43)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.schools.once import at_most_once
from apps.schools.tasks import OWED_AFTER
from apps.schools.tenancy import school_scope

from .models import ParentLink, SenProvisionRecord, SenSupportNotice
from .rules import STATUSES_NOTIFIED_TO_PARENTS, NoticeGiven, is_young_person


def family_url(pupil) -> str:
    """The child's page on the parents' side (its URL, by name: the parents' pages are
    built above the register)."""
    return settings.SITE_URL + reverse("family:child", kwargs={"school": pupil.school.slug,
                                                               "pupil_id": pupil.pk})


@dataclass(frozen=True)
class Reader:
    """Who a period of SEN support is notified to: a linked parent, or the young person."""

    parent: object | None  # the parent's User; None for the young person
    name: str
    email: str

    @property
    def key(self) -> str:
        """How a form names the reader: ``parent-<id>`` or ``young-person``."""
        return f"parent-{self.parent.pk}" if self.parent else "young-person"

    def notices(self, record):
        """The notice given to this reader for ``record``, as a queryset."""
        if self.parent:
            return SenSupportNotice.objects.filter(record=record, parent=self.parent)
        return SenSupportNotice.objects.filter(record=record, to_young_person=True)


def readers(record) -> list[Reader]:
    """Who must be told of this period of SEN support: the pupil themself if they were a
    young person when it began, otherwise each linked parent (rules.py)."""
    pupil = record.pupil
    if is_young_person(pupil.date_of_birth, record.started_on):
        return [Reader(None, pupil.full_name, pupil.email)]
    return [Reader(link.parent, link.parent.get_full_name() or link.parent.email,
                   link.parent.email)
            for link in ParentLink.objects.filter(pupil=pupil).select_related("parent")
            .order_by("parent__last_name", "parent__first_name", "pk")]


def send_sen_support_notices(*, school, record_id: int) -> int:
    """E-mail each reader (readers()) one notice for this period of SEN support; a young
    person without an e-mail address is given theirs by hand (recorded on the pupil page).

    At most once each (apps/schools/once.py): the notice is claimed under its unique key
    (record and reader) and committed before it is sent, then marked sent, so a second
    run, or the task delivered again after its worker died, sends nothing twice. Runs
    outside a transaction, reading in the school's scope step by step. Returns the number
    sent by this call."""
    with school_scope(school):
        record = SenProvisionRecord.objects.select_related("pupil", "school").get(pk=record_id)
        if record.status not in STATUSES_NOTIFIED_TO_PARENTS or record.ended_on is not None:
            return 0
        pupil, letters = record.pupil, []
        for reader in readers(record):
            if not reader.email or reader.notices(record).exclude(
                    given=NoticeGiven.EMAIL).exists():
                continue  # no address (to be given by hand), or given by hand already
            template = ("pupils/email/sen_support_notice.txt" if reader.parent
                        else "pupils/email/sen_support_notice_young_person.txt")
            letters.append((reader, render_to_string(template, {
                "record": record, "pupil": pupil, "parent": reader.parent,
                "school": record.school, "url": family_url(pupil)})))
    subject = (f"{pupil.first_name} is receiving SEN support at {record.school.name}")
    sent = sum(_send_once(school, record, reader, subject if reader.parent else
                          f"You are receiving SEN support at {record.school.name}", body)
               for reader, body in letters)
    with school_scope(school):
        SenProvisionRecord.objects.filter(pk=record.pk).update(notices_sent_at=timezone.now())
    return sent


def owed_notices(now: datetime.datetime) -> list[int]:
    """The school's open periods of SEN support whose notices were never sent (the broker
    was out of reach, or the task was lost)."""
    return list(SenProvisionRecord.objects.filter(
        status__in=STATUSES_NOTIFIED_TO_PARENTS, ended_on__isnull=True,
        notices_sent_at__isnull=True, recorded_at__lt=now - OWED_AFTER)
        .values_list("pk", flat=True))


def _send_once(school, record, reader: Reader, subject: str, body: str) -> bool:
    return at_most_once(
        school=school, what=f"sen-support-notice:{record.pk}:{reader.key}",
        claims=lambda: reader.notices(record),
        claim=lambda: SenSupportNotice.objects.create(
            school=school, record=record, parent=reader.parent,
            to_young_person=reader.parent is None, given=NoticeGiven.EMAIL),
        act=lambda: send_mail(subject=subject, message=body,
                              from_email=settings.DEFAULT_FROM_EMAIL,
                              recipient_list=[reader.email]))


@dataclass(frozen=True)
class NoticeLine:
    reader: Reader
    notice: SenSupportNotice | None

    @property
    def given(self) -> str:
        """How and when it was given, in words, or "" if it has not been."""
        notice = self.notice
        if notice is None:
            return ""
        if notice.given == NoticeGiven.EMAIL:
            if notice.sent_at is None:
                return "Being e-mailed"
            day = timezone.localdate(notice.sent_at)
        else:
            day = notice.given_on
        return f"{notice.get_given_display()} on {day.day} {day:%B %Y}"


def notice_lines(pupil) -> tuple[SenProvisionRecord | None, list[NoticeLine]]:
    """The pupil's open period of SEN support that is notified, and each reader with the
    notice given them, if any: the pupil page's account of who has been told."""
    record = (SenProvisionRecord.objects.filter(
        pupil=pupil, ended_on__isnull=True, status__in=STATUSES_NOTIFIED_TO_PARENTS)
        .select_related("pupil").first())
    if record is None:
        return None, []
    given = list(SenSupportNotice.objects.filter(record=record))
    lines = []
    for reader in readers(record):
        notice = next((n for n in given if (n.parent_id == reader.parent.pk if reader.parent
                                            else n.to_young_person)), None)
        lines.append(NoticeLine(reader, notice))
    return record, lines
