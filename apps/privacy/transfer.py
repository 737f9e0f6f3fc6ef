"""A pupil's record sent to another school of the same trust.

The sending SENCO records that the pupil is leaving for another school of the trust; the
record (the open format, sen_record.py) is frozen into an ``OutgoingTransfer`` in the
sending school, which keeps it as a read-only copy of what went. The receiving school gets
an ``IncomingTransfer`` naming the pupil and where they come from, and its SENCOs an
e-mail; nothing of the SEN history crosses until the receiving SENCO accepts. Accepting
copies the frozen record into the receiving school, where it arrives as any record from
another school does (received.py): checked, previewed, then added as history from that
school. The receiving SENCO may decline instead, and the sending SENCO withdraw while it
waits.

Each school's rows stay its own: every step works in one school's scope at a time
(``school_scope``), writing each side in its own school, so both walls (django-scopes,
row-level security) stand and each side's audit trail records the step. The two rows are
linked by id only; either school's retention may delete its side, and a transfer whose
other side is gone can no longer be answered. Every step locks the sending school's row
first, so two answers racing (accepted as it is withdrawn) cannot both win.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.pupils.models import Pupil
from apps.schools.models import School
from apps.schools.tenancy import school_scope

from .access import destinations
from .models import IncomingTransfer, OutgoingTransfer
from .received import document_check, record_keep
from .rules import TransferState
from .sen_record import sen_record
from .tasks import tell_sencos_of_transfer


def _answered(row, state: str, actor, **also) -> None:
    """Record the answer (one saved change, so one entry in the audit trail)."""
    for name, value in (also | {"state": state, "answered_at": timezone.now(),
                                "answered_by": actor}).items():
        setattr(row, name, value)
    row.save(update_fields=["state", "answered_at", "answered_by", *also])


def _refuse(message: str):
    raise ValidationError({"transfer": [message]})


@transaction.atomic
def transfer_send(*, pupil: Pupil, to_school: School, leaving_on: datetime.date,
                  actor) -> OutgoingTransfer:
    """Send the pupil's record to ``to_school`` (one of ``destinations``; the access door
    answers any other with a 404)."""
    school = pupil.school
    if not destinations(school).filter(pk=to_school.pk).exists():
        raise ValueError("A record is sent only to another school of the same trust.")
    # One transfer waiting at a time: the pupil's row is the lock two sends queue on.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    waiting = (OutgoingTransfer.objects.filter(pupil=pupil, state=TransferState.WAITING)
               .select_related("to_school").first())
    if waiting is not None:
        _refuse(f"{pupil.full_name}'s record is already waiting at {waiting.to_school.name} "
                f"(sent on {waiting.sent_at:%-d %B %Y}). Withdraw that transfer first.")
    outgoing = OutgoingTransfer.objects.create(
        school=school, pupil=pupil, to_school=to_school, leaving_on=leaving_on,
        document=sen_record(pupil, school=school, made_by=actor), sent_by=actor)
    with school_scope(to_school):
        incoming = IncomingTransfer.objects.create(
            school=to_school, from_school=school, outgoing_id=outgoing.pk, upn=pupil.upn,
            first_name=pupil.first_name, last_name=pupil.last_name,
            date_of_birth=pupil.date_of_birth, leaving_on=leaving_on,
            sent_by_name=outgoing.document["made_by"] or "", sent_at=outgoing.sent_at)
    tell_sencos_of_transfer.delay_on_commit(school_id=to_school.pk, incoming_id=incoming.pk)
    return outgoing


def _outgoing_of(incoming: IncomingTransfer) -> OutgoingTransfer | None:
    """The sending school's row addressed to this school, locked; None once the sending
    school has deleted it (call inside the sending school's scope)."""
    return (OutgoingTransfer.objects.select_for_update()
            .filter(pk=incoming.outgoing_id, to_school=incoming.school_id).first())


def _still_waiting(*rows) -> None:
    for row in rows:
        if row.state != TransferState.WAITING:
            _refuse(f"This transfer has already been answered: {row.get_state_display()} "
                    f"on {timezone.localtime(row.answered_at):%-d %B %Y}.")


def pupil_for(incoming: IncomingTransfer) -> Pupil | None:
    """The pupil on the receiving school's roll the record is for: the same UPN."""
    return Pupil.objects.filter(upn=incoming.upn).first()


@transaction.atomic
def transfer_accept(*, incoming: IncomingTransfer, actor) -> IncomingTransfer:
    """Accept a record sent to this school: it arrives as a preview of history from the
    sending school (received.py), for the SENCO to check and add."""
    pupil = pupil_for(incoming)
    if pupil is None:
        _refuse(f"There is no pupil with UPN {incoming.upn} on this school's roll yet. Add "
                f"{incoming.full_name} (or import them from your MIS), then accept.")
    with school_scope(incoming.from_school):
        outgoing = _outgoing_of(incoming)
        if outgoing is None:
            _refuse(f"{incoming.from_school.name} no longer holds this record. Ask them to "
                    "send it again.")
        _still_waiting(outgoing)
        document = outgoing.document
        _answered(outgoing, TransferState.ACCEPTED, actor)
    incoming = IncomingTransfer.objects.select_for_update().get(pk=incoming.pk)
    _still_waiting(incoming)
    received = record_keep(document_check(document, pupil), pupil=pupil, actor=actor,
                           file_name=f"Sent by {incoming.from_school.name}")
    _answered(incoming, TransferState.ACCEPTED, actor, pupil=pupil, received=received)
    return incoming


@transaction.atomic
def transfer_decline(*, incoming: IncomingTransfer, actor) -> IncomingTransfer:
    """The receiving SENCO declines (not a pupil of theirs): nothing crosses, and the
    sending school sees it declined."""
    with school_scope(incoming.from_school):
        outgoing = _outgoing_of(incoming)
        if outgoing is not None:  # gone: the decline is this school's alone
            _still_waiting(outgoing)
            _answered(outgoing, TransferState.DECLINED, actor)
    incoming = IncomingTransfer.objects.select_for_update().get(pk=incoming.pk)
    _still_waiting(incoming)
    _answered(incoming, TransferState.DECLINED, actor)
    return incoming


@transaction.atomic
def transfer_withdraw(*, outgoing: OutgoingTransfer, actor) -> OutgoingTransfer:
    """The sending SENCO takes back a transfer not yet answered (sent to the wrong school,
    or the move fell through). The receiving school sees it withdrawn."""
    outgoing = OutgoingTransfer.objects.select_for_update().select_related("to_school").get(
        pk=outgoing.pk)
    _still_waiting(outgoing)
    _answered(outgoing, TransferState.WITHDRAWN, actor)
    with school_scope(outgoing.to_school):
        incoming = (IncomingTransfer.objects.select_for_update()
                    .filter(from_school=outgoing.school_id, outgoing_id=outgoing.pk).first())
        if incoming is not None and incoming.state == TransferState.WAITING:
            _answered(incoming, TransferState.WITHDRAWN, actor)
    return outgoing

