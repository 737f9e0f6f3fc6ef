"""Correcting a session recorded by mistake: changed or removed, with the reason, by the
person who recorded it or the SENCO, while its cycle is open (rules.may_correct_session).
Every tally is counted again, and the change, with its reason, is in the audit trail
(apps/audit reads ``audit_reason`` from the row)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.pupils.rules import read_only_because
from apps.schools.models import Membership

from .models import DeliveredSession
from .rules import SessionStatus, may_correct_session
from .services import (
    already_recorded,
    check_session,
    lock_tallies,
    recount_sessions,
    repeat_message,
)

CORRECTABLE = ("date", "minutes", "status", "reason", "note", "additional")


def ensure_may_correct(session: DeliveredSession, actor, correction_reason: str) -> str:
    """The reason, stripped; PermissionDenied for someone who may not correct it, and a
    ValidationError for a closed cycle or no reason."""
    role = (Membership.objects.filter(user=actor, school=session.school)
            .values_list("role", flat=True).first())
    if not may_correct_session(recorded_by_id=session.recorded_by_id, actor_id=actor.pk,
                               actor_role=role):
        raise PermissionDenied("Only the person who recorded a session, or the SENCO, can "
                               "correct it.")
    cycle = session.provision.cycle
    errors = {}
    if cycle.is_closed:
        errors["session"] = [f"Cycle {cycle.number} is closed; its sessions have been "
                             "reviewed and can no longer be changed."]
    elif read_only_because(cycle.plan.pupil):
        errors["session"] = [read_only_because(cycle.plan.pupil)]
    if not (correction_reason or "").strip():
        errors["correction_reason"] = ["Say why the session is being corrected."]
    if errors:
        raise ValidationError(errors)
    return correction_reason.strip()


@transaction.atomic
def session_correct(*, session: DeliveredSession, actor, correction_reason: str,
                    **changes) -> DeliveredSession:
    """Change what was recorded (date, minutes, what happened, why cancelled, note,
    whether it was an additional session that day), checked as a new recording is."""
    locked = lock_tallies([session.provision_id])
    session = DeliveredSession.objects.select_related(
        "provision__cycle__plan__pupil", "provision__provision_type").get(pk=session.pk)
    why = ensure_may_correct(session, actor, correction_reason)
    for name, value in changes.items():
        if name not in CORRECTABLE:
            raise TypeError(f"session_correct() got an unexpected field {name!r}")
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    errors = {}
    if session.status not in SessionStatus.values:
        errors["status"] = ["Choose delivered, pupil absent or cancelled."]
    check_session(session.provision, date=session.date, minutes=session.minutes,
                  status=session.status, reason=session.reason, errors=errors)
    if not errors and not session.additional and (
            repeat := already_recorded([session.provision_id], session.date, but=session)):
        errors["date"] = [repeat_message(repeat.values())]
    if errors:
        raise ValidationError(errors)
    if session.status != SessionStatus.CANCELLED:
        session.reason = ""
    session.audit_reason = why
    session.save()
    recount_sessions(locked)
    return session


@transaction.atomic
def session_remove(*, session: DeliveredSession, actor, correction_reason: str) -> None:
    """Remove a session recorded by mistake."""
    locked = lock_tallies([session.provision_id])
    session = DeliveredSession.objects.select_related(
        "provision__cycle__plan__pupil").get(pk=session.pk)
    session.audit_reason = ensure_may_correct(session, actor, correction_reason)
    session.delete()
    recount_sessions(locked)
