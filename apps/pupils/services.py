"""Verbs that change the register. Each is atomic and validates everything before it
writes, raising ``ValidationError`` with field-level messages: nothing is half-saved."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts import invitations
from apps.accounts.models import Invitation, User
from apps.accounts.selectors import account_with
from apps.schools.models import Membership
from apps.schools.roles import Role

from . import notices, tasks
from .models import ParentLink, Pupil, SenProvisionRecord, SenSupportNotice, StaffAssignment
from .rules import (
    STATUSES_NEEDING_A_PRIMARY_NEED,
    STATUSES_NOTIFIED_TO_PARENTS,
    STATUSES_REFUSING_NO_SPECIALIST_ASSESSMENT,
    NeedType,
    NoticeGiven,
    SenStatus,
    need_problems,
    read_only_because,
)
from .selectors import open_sen_record, school_parents, school_teachers_and_tas
from .validators import normalise_upn


def ensure_on_roll(pupil: Pupil) -> None:
    """Refuse any change to the record of a pupil who has left (every service that writes
    about a pupil calls it)."""
    reason = read_only_because(pupil)
    if reason:
        raise ValidationError(reason)


PUPIL_FIELDS = (
    "upn",
    "first_name",
    "last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "year_group",
    "class_name",
    "primary_need",
    "secondary_need",
    "email",
)


NO_ASSESSMENT_WITH_A_PLAN = ("Change the pupil's need from “no specialist assessment” to "
                             "the need the EHC plan names first.")


def _no_assessment(pupil) -> bool:
    return NeedType.NSA in (pupil.primary_need, pupil.secondary_need)


def check_pupil(pupil: Pupil, *, sen_status: str, upn_taken: bool | None = None) -> None:
    """The register's rules for one pupil's details (the pages, the API and the MIS import
    all go through here). Raises ValidationError field by field. ``upn_taken``: whether
    another pupil has this UPN, when the caller already knows (the import reads every UPN
    of the school in one query); otherwise it is asked here."""
    errors = {}
    try:
        pupil.full_clean(exclude=["school"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if pupil.date_of_birth and pupil.date_of_birth > timezone.localdate():
        errors.setdefault("date_of_birth", []).append("Date of birth must be in the past.")
    if sen_status in STATUSES_NEEDING_A_PRIMARY_NEED and not pupil.primary_need:
        errors.setdefault("primary_need", []).append(
            "Select the primary need: a pupil on SEN support or with an EHC plan has one "
            "(choose 'no specialist assessment' if it is not yet known)."
        )
    if pupil.secondary_need and pupil.secondary_need == pupil.primary_need:
        errors.setdefault("secondary_need", []).append(
            "The secondary need must be different from the primary need."
        )
    if pupil.secondary_need and not pupil.primary_need:
        errors.setdefault("secondary_need", []).append(
            "Select a primary need before a secondary need."
        )
    for field, problem in need_problems(primary=pupil.primary_need,
                                        secondary=pupil.secondary_need, status=sen_status,
                                        on=timezone.localdate()).items():
        errors.setdefault(field, []).append(problem)
    if upn_taken is None:
        upn_taken = bool(pupil.upn) and Pupil.objects.filter(upn=pupil.upn).exclude(
            pk=pupil.pk).exists()
    if upn_taken:
        errors.setdefault("upn", []).append("Another pupil in this school already has this UPN.")
    if errors:
        raise ValidationError(errors)


def _check_people(school, *, staff=None, parents=None) -> dict:
    """Staff and parents must belong to this school in a fitting role. Another school's
    people are rejected the same way as unknown ones."""
    errors = {}
    if staff:
        allowed = set(school_teachers_and_tas(school).values_list("pk", flat=True))
        if any(user.pk not in allowed for user in staff):
            errors["staff"] = ["Choose teachers or teaching assistants from this school."]
    if parents:
        allowed = set(school_parents(school).values_list("pk", flat=True))
        if any(user.pk not in allowed for user in parents):
            errors["parents"] = ["Choose parents or carers who belong to this school."]
    return errors


@transaction.atomic
def pupil_create(
    *,
    school,
    actor,
    sen_status: str = SenStatus.NO_SEN,
    sen_status_since: datetime.date | None = None,
    staff=(),
    parents=(),
    notify_parents: bool = True,
    **fields,
) -> Pupil:
    fields["upn"] = normalise_upn(fields.get("upn", ""))
    pupil = Pupil(school=school, **{k: v for k, v in fields.items() if k in PUPIL_FIELDS})
    errors = {}
    try:
        check_pupil(pupil, sen_status=sen_status)
    except ValidationError as error:
        errors.update(error.message_dict)
    if sen_status not in SenStatus.values:
        errors["sen_status"] = ["Select N, K or E."]
    if sen_status_since and sen_status_since > timezone.localdate():
        errors["sen_status_since"] = ["The date cannot be in the future."]
    errors.update(_check_people(school, staff=list(staff), parents=list(parents)))
    if errors:
        raise ValidationError(errors)
    pupil.save()
    record = SenProvisionRecord.objects.create(
        school=school,
        pupil=pupil,
        status=sen_status,
        started_on=sen_status_since or timezone.localdate(),
        start_reason="Added to the register",
        recorded_by=actor,
    )
    # A new pupil has no links yet: only people named need linking.
    _set_people(pupil, staff=staff or None, parents=parents or None)
    # (An import of pupils already on SEN support, notify_parents=False, sends no notice:
    # the school told their parents when their support began.)
    if notify_parents and sen_status in STATUSES_NOTIFIED_TO_PARENTS:
        _notify_parents_after_commit(record)
    return pupil


@transaction.atomic
def pupil_update(*, pupil: Pupil, actor, staff=None, parents=None, **fields) -> Pupil:
    ensure_on_roll(pupil)
    if "upn" in fields:
        fields["upn"] = normalise_upn(fields["upn"])
    for name, value in fields.items():
        if name not in PUPIL_FIELDS:
            raise TypeError(f"pupil_update() got an unexpected field {name!r}")
        setattr(pupil, name, value)
    record = open_sen_record(pupil)
    errors = {}
    try:
        check_pupil(pupil, sen_status=record.status if record else SenStatus.NO_SEN)
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.update(
        _check_people(
            pupil.school,
            staff=None if staff is None else list(staff),
            parents=None if parents is None else list(parents),
        )
    )
    if errors:
        raise ValidationError(errors)
    pupil.save()
    _set_people(pupil, staff=staff, parents=parents)
    return pupil


def _set_people(pupil: Pupil, *, staff=None, parents=None) -> None:
    """Make the pupil's staff and parent links exactly these people (None: leave as is)."""
    if staff is not None:
        _sync_links(StaffAssignment, pupil, "user", staff)
    if parents is not None:
        _sync_links(ParentLink, pupil, "parent", parents)


def _sync_links(link_model, pupil: Pupil, person_field: str, people) -> None:
    links = link_model.objects.filter(pupil=pupil)
    links.exclude(**{f"{person_field}__in": people}).delete()
    have = set(links.values_list(f"{person_field}_id", flat=True))
    link_model.objects.bulk_create(
        link_model(school=pupil.school, pupil=pupil, **{person_field: person})
        for person in people
        if person.pk not in have
    )


@transaction.atomic
def sen_status_change(
    *, pupil: Pupil, actor, status: str, on: datetime.date, reason: str
) -> SenProvisionRecord:
    """Close the pupil's open SEN provision record and open one with the new status.

    One record is open at a time; the closed ones are the pupil's history.
    """
    ensure_on_roll(pupil)
    current = (
        SenProvisionRecord.objects.select_for_update()
        .filter(pupil=pupil, ended_on__isnull=True)
        .first()
    )
    errors = {}
    if status not in SenStatus.values:
        errors["status"] = ["Select N, K or E."]
    elif current and current.status == status:
        errors["status"] = [f"The pupil is already recorded as {current.get_status_display()}."]
    if on is None:
        errors["on"] = ["Enter the date the change takes effect."]
    elif on > timezone.localdate():
        errors["on"] = ["The date of the change cannot be in the future."]
    elif current and on < current.started_on:
        errors["on"] = [
            f"The date must be on or after {current.started_on:%-d %B %Y}, when the "
            "current status began. If the current status was recorded with the wrong date "
            "or status (for example when the school started using this service), correct "
            "it instead."
        ]
    if not (reason or "").strip():
        errors["reason"] = ["Enter the reason for the change."]
    elif len(reason) > 500:
        errors["reason"] = ["The reason must be 500 characters or fewer."]
    if status in STATUSES_NEEDING_A_PRIMARY_NEED and not pupil.primary_need:
        errors["status"] = errors.get("status", []) + [
            "Record the pupil's primary need before placing them on SEN support or an "
            "EHC plan."
        ]
    elif status in STATUSES_REFUSING_NO_SPECIALIST_ASSESSMENT and _no_assessment(pupil):
        errors["status"] = errors.get("status", []) + [NO_ASSESSMENT_WITH_A_PLAN]
    if errors:
        raise ValidationError(errors)
    if current:
        current.ended_on = on
        current.end_reason = reason.strip()
        current.save(update_fields=["ended_on", "end_reason"])
    record = SenProvisionRecord.objects.create(
        school=pupil.school,
        pupil=pupil,
        status=status,
        started_on=on,
        start_reason=reason.strip(),
        recorded_by=actor,
    )
    if status in STATUSES_NOTIFIED_TO_PARENTS:
        _notify_parents_after_commit(record)
    return record


@transaction.atomic
def sen_status_change_undo(*, record: SenProvisionRecord, actor) -> SenProvisionRecord | None:
    """Take back a status change made by mistake a moment ago (a cycle closed in error,
    reviews.services.cycle_reopen): ``record``, the open one, goes, and the one it ended
    is open again. Both are in the audit trail."""
    pupil = record.pupil
    ensure_on_roll(pupil)
    SenProvisionRecord.objects.select_for_update().filter(pupil=pupil).exists()
    before = (SenProvisionRecord.objects.filter(pupil=pupil, ended_on=record.started_on)
              .exclude(pk=record.pk).order_by("-started_on", "-pk").first())
    record.delete()
    if before is not None:
        before.ended_on, before.end_reason = None, ""
        before.save(update_fields=["ended_on", "end_reason"])
    return before


@transaction.atomic
def sen_status_correct(*, pupil: Pupil, actor, status: str, since: datetime.date,
                       reason: str) -> SenProvisionRecord:
    """Correct the pupil's current SEN status and when it began: for a record entered with
    the wrong status or date, and for a school entering its pupils' past (an EHC plan issued
    last May). The record keeps when it was entered (``recorded_at``); the audit trail keeps
    what it said before. The previous period, if any, now ends when this one begins. No
    notice is sent: this corrects the record of what happened, it is not a new change."""
    ensure_on_roll(pupil)
    current = (SenProvisionRecord.objects.select_for_update()
               .filter(pupil=pupil, ended_on__isnull=True).first())
    previous = (SenProvisionRecord.objects.select_for_update()
                .filter(pupil=pupil, ended_on__isnull=False).order_by("-ended_on", "-pk")
                .first())
    errors = {}
    if current is None:
        errors["status"] = ["The pupil has no current SEN status to correct."]
    if status not in SenStatus.values:
        errors["status"] = ["Select N, K or E."]
    elif status in STATUSES_NEEDING_A_PRIMARY_NEED and not pupil.primary_need:
        errors["status"] = ["Record the pupil's primary need before placing them on SEN "
                            "support or an EHC plan."]
    elif status in STATUSES_REFUSING_NO_SPECIALIST_ASSESSMENT and _no_assessment(pupil):
        errors["status"] = [NO_ASSESSMENT_WITH_A_PLAN]
    if since is None:
        errors["since"] = ["Enter the date the status began."]
    elif since > timezone.localdate():
        errors["since"] = ["The date cannot be in the future."]
    elif previous and since <= previous.started_on:
        errors["since"] = [
            f"The date must be after {previous.started_on:%-d %B %Y}, when the previous "
            f"status ({previous.get_status_display()}) began."]
    elif previous and previous.status == status:
        errors["status"] = [f"The previous status was also {previous.get_status_display()}."]
    if not (reason or "").strip():
        errors["reason"] = ["Enter why the record is being corrected."]
    elif len(reason) > 500:
        errors["reason"] = ["The reason must be 500 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    if previous and previous.ended_on != since:
        previous.ended_on = since
        previous.save(update_fields=["ended_on"])
    current.status, current.started_on = status, since
    current.start_reason = reason.strip()
    current.save(update_fields=["status", "started_on", "start_reason"])
    return current


@transaction.atomic
def notice_record_given(*, pupil: Pupil, actor, reader: str, given: str,
                        on: datetime.date) -> SenSupportNotice:
    """Record that the notice of the pupil's current SEN support was given by hand, on
    paper or at a meeting, to ``reader`` (``parent-<id>`` or ``young-person``: one of
    notices.readers). Refused, changing nothing, for a reader already given it, a date
    before the support began or in the future, or a pupil not on SEN support."""
    ensure_on_roll(pupil)
    record, lines = notices.notice_lines(pupil)
    errors = {}
    if record is None:
        raise ValidationError({"reader": [f"{pupil.full_name} is not on SEN support: there "
                                          "is no notice to give."]})
    line = next((line for line in lines if line.reader.key == reader), None)
    if line is None:
        errors["reader"] = ["Select who was given the notice."]
    elif line.notice is not None:
        errors["reader"] = [f"{line.reader.name} has been given it already: {line.given}."]
    if given not in (NoticeGiven.PAPER, NoticeGiven.MEETING):
        errors["given"] = ["Select how the notice was given."]
    if on is None:
        errors["on"] = ["Enter the date it was given."]
    elif on > timezone.localdate():
        errors["on"] = ["The date cannot be in the future."]
    elif on < record.started_on:
        errors["on"] = [f"The date must be on or after {record.started_on.day} "
                        f"{record.started_on:%B %Y}, when the SEN support began."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return SenSupportNotice.objects.create(
                school=pupil.school, record=record, parent=line.reader.parent,
                to_young_person=line.reader.parent is None, given=given, given_on=on,
                recorded_by=actor)
    except IntegrityError:  # recorded, or e-mailed, meanwhile
        raise ValidationError({"reader": [f"{line.reader.name} has been given it "
                                          "already."]}) from None


def _notify_parents_after_commit(record: SenProvisionRecord) -> None:
    tasks.notify_parents_of_sen_support.delay_on_commit(school_id=record.school_id,
                                                        record_id=record.pk)


@transaction.atomic
def parent_invite(*, pupil: Pupil, actor, email: str, first_name: str, last_name: str,
                  relationship: str) -> str:
    """Link a parent or carer to the pupil and invite them to sign in (Code 6.64-6.65:
    parents are involved from the start). Someone who is already a parent at the school,
    or already invited as one, is linked to this child too, with no new invitation. The
    link exists from now, so the formal notice of SEN support reaches them even before
    they accept. Returns what happened: "invited" or "linked"."""
    email = User.objects.normalize_email(email).lower()
    if ParentLink.objects.filter(pupil=pupil, parent__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already linked to {pupil.full_name}."})
    return parent_add(pupil=pupil, actor=actor, email=email, first_name=first_name,
                      last_name=last_name, relationship=relationship, invite=True)


@transaction.atomic
def parent_add(*, pupil: Pupil, actor, email: str, first_name: str, last_name: str,
               relationship: str, invite: bool) -> str:
    """Link a parent or carer to the pupil (nothing to do if they are linked already) and,
    with ``invite``, invite them unless they are a parent here or invited already. Returns
    "invited", "linked" or "" (already linked)."""
    ensure_on_roll(pupil)
    # Addresses are stored in lower case (accounts.selectors.account_with).
    email = User.objects.normalize_email(email).lower()
    member = Membership.objects.filter(school=pupil.school_id, user__email=email).first()
    waiting = None if member else Invitation.objects.filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True).first()
    for role, what in ((member and member.role, "a member of this school"),
                       (waiting and waiting.role, "invited to this school")):
        if role and role != Role.PARENT:
            raise ValidationError({"email": (
                f"{email} is already {what} as {Role(role).label}. Use a different "
                "e-mail address for them as a parent.")})
    user = account_with(email)
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
    elif ParentLink.objects.filter(pupil=pupil, parent=user).exists():
        return ""
    ParentLink.objects.create(school_id=pupil.school_id, pupil=pupil, parent=user,
                              relationship=relationship.strip())
    if member or waiting or not invite:
        return "linked"
    invitations.invite(school=pupil.school, email=email, first_name=first_name,
                       last_name=last_name, role=Role.PARENT, actor=actor)
    return "invited"


@transaction.atomic
def parent_unlink(*, link: ParentLink, actor) -> None:
    """Remove a parent or carer from the pupil. Someone who is then linked to no child at
    the school can no longer sign in to it, and an invitation not yet accepted is
    withdrawn."""
    parent = link.parent
    link.delete()
    if ParentLink.objects.filter(parent=parent).exists():
        return
    for membership in Membership.objects.filter(school=link.school_id, user=parent,
                                                role=Role.PARENT):
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
    for invitation in Invitation.objects.filter(email=parent.email, role=Role.PARENT,
                                                accepted_at__isnull=True,
                                                revoked_at__isnull=True):
        invitations.revoke(invitation=invitation, actor=actor)


@transaction.atomic
def pupil_leave(*, pupil: Pupil, actor, on: datetime.date, destination: str = "") -> Pupil:
    """Record that the pupil has left the school: off the working register, the current SEN
    status ends that day, and the record is kept read-only."""
    ensure_on_roll(pupil)
    current = (SenProvisionRecord.objects.select_for_update()
               .filter(pupil=pupil, ended_on__isnull=True).first())
    errors = {}
    if on is None:
        errors["on"] = ["Enter the date they left."]
    elif on > timezone.localdate():
        errors["on"] = ["The date cannot be in the future."]
    elif current and on < current.started_on:
        errors["on"] = [f"The date must be on or after {current.started_on:%-d %B %Y}, when "
                        "the current SEN status began."]
    if len(destination) > 200:
        errors["destination"] = ["Enter 200 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    if current:
        current.ended_on = on
        where = destination.strip()
        current.end_reason = f"Left the school for {where}" if where else "Left the school"
        current.save(update_fields=["ended_on", "end_reason"])
    pupil.left_on, pupil.destination = on, destination.strip()
    pupil.save(update_fields=["left_on", "destination", "updated_at"])
    return pupil
