"""Verbs of the graduated approach: start a plan, record what was assessed, plan outcomes
and provision, record delivered sessions, and move a cycle through its stages.

Every function is atomic and checks everything before it writes, raising
``ValidationError`` with field-level messages; nothing is half-saved. Closing a cycle is
the review's decision and lives in ``apps.reviews.services``.
"""

import datetime
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.selectors import school_members
from apps.pupils.models import Pupil
from apps.pupils.rules import read_only_because
from apps.pupils.selectors import school_teachers_and_tas
from apps.pupils.services import ensure_on_roll
from apps.schools.roles import STAFF
from backend.validation import Conflict, row_errors

from .evidence import ALLOWED_UPLOADS, MAX_UPLOAD_BYTES, content_matches
from .models import (
    AssessmentResult,
    Cycle,
    DeliveredSession,
    EvidenceFile,
    GroupSession,
    Outcome,
    OutcomeProvision,
    Provision,
    ProvisionType,
    SpecialistAdvice,
    StageChange,
    SupportPlan,
)
from .rules import (
    DEFAULT_CYCLE_WEEKS,
    MAX_MINUTES,
    MIN_MINUTES,
    SessionStatus,
    Stage,
    next_stage,
)
from .selectors import missing_for

ASSESS_FIELDS = ("needs", "strengths", "pupil_views", "parent_views",
                 "pupil_views_missing_because")
PROVISION_FIELDS = ("provision_type", "details", "staff_type", "delivered_by",
                    "sessions_per_week", "minutes_per_session", "group_size", "fixed_cost",
                    "start_date", "end_date")


def _errors(**messages) -> ValidationError:
    return ValidationError({field: [message] for field, message in messages.items()})


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


class StaleEdit(ValidationError):
    """Someone else changed the plan since this edit began."""


def claim_version(cycle: Cycle, *, actor, expected: int | None) -> None:
    """No lost updates: an edit that started from an older version of the cycle's plan is
    refused; otherwise the version moves on, so the next stale edit is refused in turn."""
    if expected is not None:
        current = Cycle.objects.select_for_update().values_list(
            "version", "changed_by", "updated_at").get(pk=cycle.pk)
        if current[0] != int(expected):
            from django.contrib.auth import get_user_model

            who = get_user_model().objects.filter(pk=current[1]).first() or "Someone"
            when = timezone.localtime(current[2])
            raise StaleEdit(
                f"{who} changed this plan at {when:%H:%M on %-d %B} while you were editing "
                "it. Nothing you entered has been saved.", code="stale")
    Cycle.objects.filter(pk=cycle.pk).update(version=F("version") + 1, changed_by=actor,
                                             updated_at=timezone.now())
    cycle.version = (cycle.version or 0) + 1


def ensure_editable(cycle: Cycle) -> None:
    """Refuse a change to a closed cycle, or to any cycle of a pupil who has left."""
    if cycle.is_closed:
        raise ValidationError(
            f"Cycle {cycle.number} is closed: its record can be read but not changed."
        )
    ensure_on_roll(cycle.plan.pupil)


# Plans and cycles -------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, pupil: Pupil, actor, cycle_weeks: int = DEFAULT_CYCLE_WEEKS,
               opened_on: datetime.date | None = None) -> SupportPlan:
    """Start the pupil's support plan with cycle 1 at the Assess stage."""
    ensure_on_roll(pupil)
    if SupportPlan.objects.filter(pupil=pupil).exists():
        raise ValidationError(f"{pupil.full_name} already has a support plan.")
    plan = SupportPlan(school=pupil.school, pupil=pupil, cycle_weeks=cycle_weeks)
    _raise(row_errors(plan, exclude=("school", "pupil")))
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise _errors(opened_on="A plan cannot start in the future.")
    plan.save()
    cycle_open(plan=plan, actor=actor, opened_on=opened_on)
    return plan


def cycle_open(*, plan: SupportPlan, actor, opened_on: datetime.date) -> Cycle:
    number = (plan.cycles.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    cycle = Cycle.objects.create(
        school=plan.school, plan=plan, number=number, stage=Stage.ASSESS, opened_on=opened_on
    )
    StageChange.objects.create(school=plan.school, cycle=cycle, stage=Stage.ASSESS,
                               moved_by=actor)
    return cycle


@transaction.atomic
def plan_update(*, plan: SupportPlan, actor, cycle_weeks: int) -> SupportPlan:
    plan.cycle_weeks = cycle_weeks
    _raise(row_errors(plan, exclude=("school", "pupil")))
    plan.save(update_fields=["cycle_weeks"])
    return plan


@transaction.atomic
def cycle_update(*, cycle: Cycle, actor, expected_version: int | None = None,
                 **fields) -> Cycle:
    """Record the Assess stage's findings and the agreed review date."""
    ensure_editable(cycle)
    claim_version(cycle, actor=actor, expected=expected_version)
    allowed = (*ASSESS_FIELDS, "review_date")
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"cycle_update() got an unexpected field {name!r}")
        setattr(cycle, name, value)
    errors = row_errors(cycle, exclude=("school", "plan"))
    if cycle.review_date is not None and cycle.review_date <= cycle.opened_on:
        errors.setdefault("review_date", []).append(
            f"The review date must be after the cycle opened on {cycle.opened_on:%-d %B %Y}."
        )
    _raise(errors)
    cycle.save(update_fields=[*fields, "updated_at"])
    return cycle


@transaction.atomic
def cycle_move(*, cycle: Cycle, actor, to: str) -> Cycle:
    """Move the cycle on one stage, if the stage it leaves is complete.

    Closing (Review → Closed) is the review's decision: ``apps.reviews.services.cycle_close``.
    """
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one mover at a time
    cycle.refresh_from_db()
    expected = next_stage(cycle.stage)
    if to not in Stage.values:
        raise _errors(stage=f"{to!r} is not a stage.")
    if to == Stage.CLOSED and cycle.stage == Stage.REVIEW:
        raise _errors(stage="Close the cycle by completing its review: rate every outcome "
                            "and choose the next step.")
    if to != expected:
        now = Stage(cycle.stage).label
        raise _errors(stage=f"Cycle {cycle.number} is at {now}; it can only move on to "
                            f"{Stage(expected).label if expected else 'nothing'}, not "
                            f"{Stage(to).label}.")
    missing = missing_for(cycle, to)
    if missing:
        raise ValidationError({"stage": missing})
    enter_stage(cycle=cycle, actor=actor, stage=to)
    return cycle


def enter_stage(*, cycle: Cycle, actor, stage: str,
                closed_on: datetime.date | None = None, reason: str = "") -> None:
    """Move the cycle on. Closing writes the rating counts the caller has set on the cycle
    (reviews.services.cycle_close); the database refuses a closed cycle without them. A
    cycle closes on the day its review was held (``closed_on``), which for a school
    entering its past cycles is not the day the closing is recorded (the stage change
    keeps that). A closed cycle moved back (reopened, with its ``reason``) loses its
    closing date and counts."""
    fields = ["stage", "updated_at"]
    if stage == Stage.CLOSED:
        cycle.closed_on = closed_on or timezone.localdate()
        fields += ["closed_on", "rated_outcomes", "unachieved_outcomes"]
    elif cycle.stage == Stage.CLOSED:
        cycle.closed_on = cycle.rated_outcomes = cycle.unachieved_outcomes = None
        fields += ["closed_on", "rated_outcomes", "unachieved_outcomes"]
    cycle.stage = stage
    cycle.save(update_fields=fields)
    StageChange.objects.create(school=cycle.school, cycle=cycle, stage=stage, moved_by=actor,
                               reason=reason)


# Assess: evidence ----------------------------------------------------------------------


def _evidence_save(model, *, cycle: Cycle, instance, fields: dict):
    """A dated piece of Assess evidence: not in the future, and only in an open cycle."""
    ensure_editable(cycle)
    item = instance or model(school=cycle.school, cycle=cycle)
    for name, value in fields.items():
        setattr(item, name, value)
    errors = row_errors(item, exclude=("school", "cycle"))
    if item.date and item.date > timezone.localdate():
        errors.setdefault("date", []).append("The date cannot be in the future.")
    _raise(errors)
    item.save()
    return item


@transaction.atomic
def assessment_save(*, cycle: Cycle, actor, instance=None, **fields) -> AssessmentResult:
    return _evidence_save(AssessmentResult, cycle=cycle, instance=instance, fields=fields)


@transaction.atomic
def advice_save(*, cycle: Cycle, actor, instance=None, **fields) -> SpecialistAdvice:
    return _evidence_save(SpecialistAdvice, cycle=cycle, instance=instance, fields=fields)


@transaction.atomic
def evidence_file_add(*, cycle: Cycle, actor, title: str, upload) -> EvidenceFile:
    """Attach a file of evidence. Only listed types, checked by content as well as by
    name, and up to 10 MB; the stored content type comes from the type we allow, never
    from what the browser claimed."""
    ensure_editable(cycle)
    extension = os.path.splitext(upload.name or "")[1].lower()
    errors = {}
    if extension not in ALLOWED_UPLOADS:
        errors["file"] = ["Upload a PDF, Word (.docx), PNG, JPEG or text file."]
    elif upload.size > MAX_UPLOAD_BYTES:
        errors["file"] = ["The file must be 10 MB or smaller."]
    elif not content_matches(upload, ALLOWED_UPLOADS[extension]):
        errors["file"] = [f"The file is named {extension} but its content is not that kind "
                          "of file. Upload a PDF, Word (.docx), PNG, JPEG or text file."]
    if not (title or "").strip():
        errors["title"] = ["Enter a title for the file."]
    _raise(errors)
    return EvidenceFile.objects.create(
        school=cycle.school, cycle=cycle, title=title.strip(), file=upload,
        content_type=ALLOWED_UPLOADS[extension], uploaded_by=actor,
    )


# Plan: outcomes and provision ----------------------------------------------------------


@transaction.atomic
def provision_save(*, cycle: Cycle, actor, instance=None, expected_version: int | None = None,
                   **fields) -> Provision:
    """A provision for the pupil in this cycle: timetabled (sessions a week, minutes, group
    size) or a fixed cost. Missing timetable values come from the provision library."""
    ensure_editable(cycle)
    claim_version(cycle, actor=actor, expected=expected_version)
    provision = instance or Provision(school=cycle.school, cycle=cycle)
    for name, value in fields.items():
        if name not in PROVISION_FIELDS:
            raise TypeError(f"provision_save() got an unexpected field {name!r}")
        setattr(provision, name, value)
    kind = provision.provision_type if provision.provision_type_id else None
    if kind and instance is None and provision.fixed_cost is None:
        if provision.sessions_per_week is None:
            provision.sessions_per_week = kind.usual_sessions_per_week
        if provision.minutes_per_session is None:
            provision.minutes_per_session = kind.usual_minutes
        if provision.group_size is None:
            provision.group_size = kind.usual_group_size
    if kind and not provision.staff_type:
        provision.staff_type = kind.staff_type
    errors = row_errors(provision, exclude=("school", "cycle"))
    if kind and kind.school_id != cycle.school_id:
        errors.setdefault("provision_type", []).append("Choose an intervention from this "
                                                       "school's library.")
    timetable = (provision.sessions_per_week, provision.minutes_per_session,
                 provision.group_size)
    if provision.fixed_cost is None and None in timetable:
        errors.setdefault("sessions_per_week", []).append(
            "Give sessions per week, minutes per session and group size, or a fixed cost."
        )
    if provision.start_date and provision.end_date and provision.end_date < provision.start_date:
        errors.setdefault("end_date", []).append("The end date must be on or after the start date.")
    if provision.start_date and provision.start_date < cycle.opened_on:
        errors.setdefault("start_date", []).append(
            f"The start date must be on or after the cycle opened on {cycle.opened_on:%-d %B %Y}."
        )
    if provision.delivered_by_id and not school_teachers_and_tas(cycle.school).filter(
        pk=provision.delivered_by_id
    ).exists():
        errors.setdefault("delivered_by", []).append("Choose someone who works at this school.")
    _raise(errors)
    if instance is None:
        provision.save()
    else:  # never the tally: only recount_sessions writes it
        provision.save(update_fields=PROVISION_FIELDS)
    return provision


@transaction.atomic
def outcome_save(*, cycle: Cycle, actor, instance=None, provisions=None,
                 expected_version: int | None = None, **fields) -> Outcome:
    """An outcome for the pupil in this cycle, linked to the provisions meant to achieve it
    (which must belong to the same cycle)."""
    ensure_editable(cycle)
    claim_version(cycle, actor=actor, expected=expected_version)
    outcome = instance or Outcome(school=cycle.school, cycle=cycle)
    for name, value in fields.items():
        setattr(outcome, name, value)
    errors = row_errors(outcome, exclude=("school", "cycle", "carried_from"))
    if outcome.target_date and outcome.target_date < cycle.opened_on:
        errors.setdefault("target_date", []).append(
            f"The target date must be after the cycle opened on {cycle.opened_on:%-d %B %Y}."
        )
    if outcome.owner_id and not school_members(cycle.school, STAFF).filter(
        pk=outcome.owner_id
    ).exists():
        errors.setdefault("owner", []).append("Choose someone who works at this school.")
    if provisions is not None and any(p.cycle_id != cycle.pk for p in provisions):
        errors.setdefault("provisions", []).append(
            "Link only provisions planned in this cycle for this pupil."
        )
    _raise(errors)
    outcome.save()
    if provisions is not None:
        OutcomeProvision.objects.filter(outcome=outcome).exclude(provision__in=provisions).delete()
        have = set(OutcomeProvision.objects.filter(outcome=outcome)
                   .values_list("provision_id", flat=True))
        OutcomeProvision.objects.bulk_create(
            OutcomeProvision(school=cycle.school, outcome=outcome, provision=p)
            for p in provisions if p.pk not in have
        )
    return outcome


@transaction.atomic
def cycle_item_delete(*, item, actor) -> None:
    """Remove an outcome, provision or piece of evidence from a cycle that is still open."""
    ensure_editable(item.cycle)
    if isinstance(item, Provision) and item.sessions.exists():
        raise ValidationError(
            "Sessions have been recorded against this provision; set its end date instead."
        )
    item.delete()


@transaction.atomic
def provision_type_save(*, school, actor, instance=None, **fields) -> ProvisionType:
    kind = instance or ProvisionType(school=school)
    for name, value in fields.items():
        setattr(kind, name, value)
    errors = row_errors(kind)
    if kind.name and ProvisionType.objects.filter(name__iexact=kind.name).exclude(
        pk=kind.pk
    ).exists():
        errors.setdefault("name", []).append("The library already has an intervention with "
                                             "this name.")
    _raise(errors)
    kind.save()
    return kind


# Do: delivered sessions ----------------------------------------------------------------


def check_session(provision: Provision, *, date, minutes, status, reason, errors,
                   field_prefix="") -> None:
    def add(field, message):
        errors.setdefault(f"{field_prefix}{field}", []).append(message)

    if provision.cycle.is_closed:
        add("provision", f"Cycle {provision.cycle.number} is closed; sessions can no longer "
                         "be recorded against it.")
    elif read_only_because(provision.cycle.plan.pupil):
        add("provision", read_only_because(provision.cycle.plan.pupil))
    if not provision.is_timetabled:
        add("provision", "This provision is a fixed cost, not timetabled sessions.")
    if date is not None:
        if date > timezone.localdate():
            add("date", "A session cannot be recorded for a date in the future.")
        elif date < provision.start_date:
            add("date", f"{provision} had not started on that date (it starts "
                        f"{provision.start_date:%-d %B %Y}).")
        elif provision.end_date and date > provision.end_date:
            add("date", f"{provision} had ended by that date (it ended "
                        f"{provision.end_date:%-d %B %Y}).")
    if minutes is not None and not (MIN_MINUTES <= minutes <= MAX_MINUTES):
        add("minutes", f"Minutes must be between {MIN_MINUTES} and {MAX_MINUTES}.")
    if status == SessionStatus.CANCELLED and not (reason or "").strip():
        add("reason", "Say why the session was cancelled.")


def already_recorded(provision_ids, date, *, but=None) -> dict[int, DeliveredSession]:
    """The session already recorded on ``date`` for each of the provisions that has one
    (not counting an additional session, nor the session ``but``, which is being
    changed)."""
    found = (DeliveredSession.objects.filter(provision__in=provision_ids, date=date,
                                             additional=False)
             .select_related("recorded_by", "provision__cycle__plan__pupil"))
    if but is not None:
        found = found.exclude(pk=but.pk)
    return {session.provision_id: session for session in found}


def repeat_message(sessions) -> str:
    """Who is already recorded, and by whom: what a group entry or a repeat shows."""
    names = "; ".join(
        f"{s.provision.cycle.plan.pupil.full_name} (by {s.recorded_by or 'someone who has left'})"
        for s in sessions)
    return (f"Already recorded on that date: {names}. If this was another session the same "
            "day, tick \"An additional session that day\".")


@transaction.atomic
def session_record(*, provision: Provision, actor, date, minutes=None,
                   status=SessionStatus.DELIVERED, reason="", note="",
                   additional=False) -> DeliveredSession:
    """Record one session for one pupil. Minutes default to the provision's. One session a
    day per provision unless this one is marked as additional (checked once the cycle is
    locked, so two recordings at the same moment cannot both pass; the database refuses
    a repeat too)."""
    minutes = provision.minutes_per_session if minutes is None else minutes
    errors = {}
    if status not in SessionStatus.values:
        errors["status"] = ["Choose delivered, pupil absent or cancelled."]
    check_session(provision, date=date, minutes=minutes, status=status, reason=reason,
                  errors=errors)
    _raise(errors)
    locked = lock_tallies([provision.pk])
    ensure_still_open(locked)
    if not additional and (repeat := already_recorded([provision.pk], date)):
        _raise({"date": [repeat_message(repeat.values())]})
    session = DeliveredSession.objects.create(
        school=provision.school, provision=provision, date=date, minutes=minutes,
        status=status, reason=(reason or "").strip(), note=(note or "").strip(),
        additional=bool(additional), recorded_by=actor,
    )
    recount_sessions(locked)
    return session


@transaction.atomic
def group_session_record(*, provision_type: ProvisionType, actor, date, minutes: int,
                         attendance: dict, note: str = "",
                         additional: bool = False) -> GroupSession:
    """One entry for a session delivered to a group. ``attendance`` maps each pupil to
    ``delivered`` or ``absent``; each pupil needs a running provision of this kind. A date
    on which some of the pupils already have this session recorded is refused, naming
    them, unless the entry is marked as an additional session."""
    errors = {}
    if not attendance:
        errors["pupils"] = ["Choose the pupils in the group."]
    if minutes is None or not (MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors["minutes"] = [f"Minutes must be between {MIN_MINUTES} and {MAX_MINUTES}."]
    provisions = {}
    if date is not None:
        running = (
            Provision.objects.filter(provision_type=provision_type,
                                     cycle__plan__pupil__in=list(attendance),
                                     start_date__lte=date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=date))
            .exclude(cycle__stage=Stage.CLOSED)
            .select_related("cycle", "cycle__plan", "provision_type")
        )
        provisions = {p.cycle.plan.pupil_id: p for p in running}
        if date > timezone.localdate():
            errors["date"] = ["A session cannot be recorded for a date in the future."]
    for pupil, status in attendance.items():
        if read_only_because(pupil):
            errors.setdefault("pupils", []).append(read_only_because(pupil))
        elif status not in (SessionStatus.DELIVERED, SessionStatus.ABSENT):
            errors.setdefault("pupils", []).append(
                f"Mark {pupil.full_name} as there or absent.")
        elif pupil.pk not in provisions and "date" not in errors:
            errors.setdefault("pupils", []).append(
                f"{pupil.full_name} has no {provision_type} running on that date in an open "
                "cycle.")
    _raise(errors)
    locked = lock_tallies([provisions[pupil.pk].pk for pupil in attendance])
    ensure_still_open(locked)
    if not additional and (repeat := already_recorded(
            [provisions[pupil.pk].pk for pupil in attendance], date)):
        _raise({"pupils": [repeat_message(repeat.values())]})
    group = GroupSession.objects.create(
        school=provision_type.school, provision_type=provision_type, date=date,
        minutes=minutes, note=(note or "").strip(), recorded_by=actor,
    )
    DeliveredSession.objects.bulk_create(
        DeliveredSession(
            school=group.school, provision=provisions[pupil.pk], group_session=group,
            date=date, minutes=minutes, status=status, note=group.note,
            additional=bool(additional), recorded_by=actor,
        )
        for pupil, status in attendance.items()
    )
    recount_sessions(locked)
    return group


def lock_tallies(provision_ids) -> QuerySet[Provision]:
    """Lock the provisions' cycles before their sessions change: a recording made at the
    same moment for any provision of those cycles waits, and its recount then sees this
    one's session (a cycle's minutes add up all its provisions, so locking the provision
    alone would let two recordings each add up the other's old tally). Locked in id order,
    so two group sessions sharing pupils cannot deadlock."""
    provisions = Provision.objects.filter(pk__in=provision_ids)
    list(Cycle.objects.filter(pk__in=provisions.values("cycle")).select_for_update()
         .order_by("pk").values_list("pk", flat=True))
    return provisions


def ensure_still_open(locked: QuerySet[Provision]) -> None:
    """Once the cycles are locked (lock_tallies): refuse a cycle closed since the session
    was checked, by a review closing it at the same moment (closing takes the same lock).
    The database refuses such a session too (plans migration 0013's trigger)."""
    closed = (Cycle.objects.filter(pk__in=locked.values("cycle"), stage=Stage.CLOSED)
              .values_list("number", flat=True).first())
    if closed is not None:
        raise Conflict(f"Cycle {closed} was closed at the same moment; sessions can no "
                       "longer be recorded against it, and this one has not been saved.")


def recount_sessions(provisions: QuerySet[Provision]) -> int:
    """Set each provision's tally of sessions from its sessions, then its cycle's
    delivered minutes from the provisions' tallies: one UPDATE each. Counted again rather
    than incremented, so no tally can drift from the sessions."""
    def tally(status, total):
        return Coalesce(Subquery(
            DeliveredSession.objects.filter(provision=OuterRef("pk"), status=status)
            .order_by().values("provision").annotate(n=total).values("n")), 0)

    counted = provisions.update(
        delivered_sessions=tally(SessionStatus.DELIVERED, Count("pk")),
        delivered_minutes=tally(SessionStatus.DELIVERED, Sum("minutes")),
        absent_sessions=tally(SessionStatus.ABSENT, Count("pk")),
        cancelled_sessions=tally(SessionStatus.CANCELLED, Count("pk")),
    )
    Cycle.objects.filter(pk__in=provisions.values("cycle")).update(
        delivered_minutes=Coalesce(Subquery(
            Provision.objects.filter(cycle=OuterRef("pk")).order_by().values("cycle")
            .annotate(m=Sum("delivered_minutes")).values("m")), 0))
    return counted


# Carrying a cycle forward (used when a review opens the next cycle) -----------------------


def cycle_carry_forward(*, previous: Cycle, actor, opened_on: datetime.date, outcomes,
                        carry_provision: bool) -> Cycle:
    """Open the plan's next cycle with these outcomes carried forward (each keeps a link to
    the outcome it continues, and so its history) and, if asked, the running provision."""
    cycle = cycle_open(plan=previous.plan, actor=actor, opened_on=opened_on)
    cycle.needs, cycle.strengths = previous.needs, previous.strengths
    copies, cycle.carried_over = {}, {}
    if carry_provision:
        cycle_end = opened_on + datetime.timedelta(weeks=previous.plan.cycle_weeks)
        for old in previous.provisions.all():
            old_end = old.end_date
            cycle.carried_over[str(old.pk)] = old_end.isoformat() if old_end else None
            if old_end is None or old_end >= opened_on:  # it runs on in the new cycle only
                old.end_date = max(old.start_date, opened_on - datetime.timedelta(days=1))
                old.save(update_fields=["end_date"])
            copies[old.pk] = Provision.objects.create(
                school=cycle.school, cycle=cycle, provision_type_id=old.provision_type_id,
                details=old.details, staff_type=old.staff_type,
                delivered_by_id=old.delivered_by_id, sessions_per_week=old.sessions_per_week,
                minutes_per_session=old.minutes_per_session, group_size=old.group_size,
                fixed_cost=old.fixed_cost, start_date=opened_on,
                # Runs on to its planned end (or goes on, if it had none), or for a
                # cycle if its end has passed.
                end_date=(None if old_end is None
                          else old_end if old_end > opened_on else cycle_end),
                carried_from=old,
            )
    cycle.save(update_fields=["needs", "strengths", "carried_over"])
    for old in outcomes:
        new = Outcome.objects.create(
            school=cycle.school, cycle=cycle, description=old.description,
            success_criteria=old.success_criteria, measure=old.measure,
            baseline=old.baseline, target=old.target, owner_id=old.owner_id,
            carried_from=old,
        )
        linked = [copies[p] for p in OutcomeProvision.objects.filter(outcome=old)
                  .values_list("provision_id", flat=True) if p in copies]
        OutcomeProvision.objects.bulk_create(
            OutcomeProvision(school=cycle.school, outcome=new, provision=p) for p in linked
        )
    return cycle
