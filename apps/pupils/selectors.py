"""Read models for the register. Every queryset here runs inside a school scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.invitation_link import STATE_LABELS, state_of
from apps.accounts.models import Invitation, User
from apps.accounts.selectors import school_members
from apps.schools.models import Membership
from apps.schools.roles import ASSIGNED_PUPILS, OWN_CHILDREN, WHOLE_REGISTER, Role

from .models import ParentLink, Pupil, SenProvisionRecord, StaffAssignment


def people_by_pupil(pupil_ids: list[int]) -> dict[str, dict[int, list[int]]]:
    """The user ids of each pupil's staff (``"staff"``) and parents (``"parents"``), in
    name order: two queries for a page of pupils."""
    people: dict[str, dict[int, list[int]]] = {"staff": {}, "parents": {}}
    for name, links, person in (("staff", StaffAssignment, "user"),
                                ("parents", ParentLink, "parent")):
        rows = (links.objects.filter(pupil__in=pupil_ids)
                .order_by(f"{person}__last_name", f"{person}__first_name", person)
                .values_list("pupil", person))
        for pupil, user in rows:
            people[name].setdefault(pupil, []).append(user)
    return people


def open_sen_record(pupil: Pupil) -> SenProvisionRecord | None:
    return SenProvisionRecord.objects.filter(pupil=pupil, ended_on__isnull=True).first()


def pupils_visible_to(membership: Membership) -> QuerySet[Pupil]:
    """The pupils this member of the school may see (the rule and its reasons:
    schools/roles.py): all of them for SENCO, head and trust lead; for teachers and TAs,
    those linked to them by hand, those of the classes they teach (``Membership.classes``)
    and those whose running provision they deliver; their own children for parents."""
    pupils = Pupil.objects.all()
    if membership.role in WHOLE_REGISTER:
        return pupils
    if membership.role in ASSIGNED_PUPILS:
        seen = Q(Exists(StaffAssignment.objects.filter(pupil=OuterRef("pk"),
                                                       user_id=membership.user_id)))
        if membership.classes:
            seen |= Q(class_name__in=membership.classes)
        seen |= Q(pk__in=pupils_supported_by(membership.user_id))
        return pupils.filter(seen)
    if membership.role in OWN_CHILDREN:
        return pupils.filter(parent_links__parent_id=membership.user_id)
    return pupils.none()


def pupils_supported_by(user_id: int, on: datetime.date | None = None) -> QuerySet[Pupil]:
    """The pupils for whom this person delivers provision in a cycle still open that has
    not ended by ``on`` (today); provision due to start is included, so that whoever will
    deliver it can prepare. Read through the plans' tables by their relation names (plan,
    cycle, provision), since the register sits below plans and never imports them; one
    ``filter`` so that every condition is about the same provision; the provision's
    ``delivered_by`` index finds the person's few provisions."""
    on = on or timezone.localdate()
    return Pupil.objects.filter(
        Q(plans__cycles__closed_on__isnull=True)
        & Q(plans__cycles__provisions__delivered_by_id=user_id)
        & (Q(plans__cycles__provisions__end_date__isnull=True)
           | Q(plans__cycles__provisions__end_date__gte=on))).values("pk")


def about_pupils_visible_to(model, membership: Membership) -> QuerySet:
    """Rows of ``model``, which belongs to a pupil (``model.pupil``), about the pupils this
    member may see."""
    return model.objects.filter(pupil__in=pupils_visible_to(membership))


def with_sen_status(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Annotate each pupil's current SEN status (from the open provision record) and the
    date it began."""
    open_record = SenProvisionRecord.objects.filter(pupil=OuterRef("pk"), ended_on__isnull=True)
    return pupils.annotate(
        sen_status=Subquery(open_record.values("status")[:1]),
        sen_status_since=Subquery(open_record.values("started_on")[:1]),
    )


def search_pupils(pupils: QuerySet[Pupil], text: str) -> QuerySet[Pupil]:
    query = Q()
    for word in text.split():
        query &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(upn__iexact=word.upper())
        )
    return pupils.filter(query)


def responsible_teachers(pupil: Pupil) -> list[User]:
    """The pupil's class teachers (Code 6.52: responsible for the pupil's progress every
    day): teachers linked to the pupil by hand, and those who teach the pupil's class
    (``Membership.classes``, matched here: a JSON list is not searchable on SQLite)."""
    linked = set(StaffAssignment.objects.filter(pupil=pupil).values_list("user_id", flat=True))
    teachers = (Membership.objects.filter(school=pupil.school, role=Role.TEACHER,
                                          left_on__isnull=True)
                .select_related("user").order_by("user__last_name", "user__first_name"))
    return [m.user for m in teachers
            if m.user_id in linked or (pupil.class_name and pupil.class_name in m.classes)]


def school_teachers_and_tas(school) -> QuerySet[User]:
    return school_members(school, {Role.TEACHER, Role.TEACHING_ASSISTANT, Role.SENCO})


def school_parents(school) -> QuerySet[User]:
    return school_members(school, {Role.PARENT})


@dataclass
class ParentAccess:
    """A parent link, and whether that parent can sign in yet."""

    link: ParentLink
    can_sign_in: bool
    invitation: Invitation | None  # the invitation not yet accepted, if there is one
    invitation_state: str = ""


def parent_links_with_access(pupil: Pupil) -> list[ParentAccess]:
    """The pupil's parents and carers, each with their account's state at the school: can
    sign in, or invited (waiting or expired). Three queries."""
    links = list(pupil.parent_links.select_related("parent").order_by(
        "parent__last_name", "parent__first_name"))
    members = set(Membership.objects.filter(
        school=pupil.school_id, role=Role.PARENT, user__in=[link.parent_id for link in links])
        .values_list("user", flat=True))
    waiting = {invitation.email: invitation for invitation in Invitation.objects.filter(
        email__in=[link.parent.email for link in links], accepted_at__isnull=True,
        revoked_at__isnull=True)}
    rows = []
    for link in links:
        invitation = waiting.get(link.parent.email)
        rows.append(ParentAccess(
            link=link, can_sign_in=link.parent_id in members, invitation=invitation,
            invitation_state=STATE_LABELS[state_of(invitation)] if invitation else ""))
    return rows
