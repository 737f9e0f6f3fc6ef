"""Read models for the register. Every queryset here runs inside a school scope."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.accounts.models import User
from apps.schools.models import Membership
from apps.schools.roles import ASSIGNED_PUPILS, OWN_CHILDREN, WHOLE_REGISTER, Role

from .models import ParentLink, Pupil, SenProvisionRecord, StaffAssignment


def ids_of(pupils: "QuerySet[Pupil] | list[int]") -> list[int]:
    """The ids of ``pupils``: a queryset is read (one query); a page already read passes
    its ids, which saves that query."""
    if isinstance(pupils, QuerySet):
        return list(pupils.values_list("pk", flat=True))
    return list(pupils)


def people_by_pupil(pupil_ids) -> dict[str, dict[int, list[int]]]:
    """The user ids of each pupil's staff and parents, in name order, as the API lists
    them: two queries over the links, with no user built for a page of pupils."""
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
    """The pupils this member of the school may see: all of them for SENCO, head and trust
    lead; the pupils they work with for teachers and TAs; their own children for parents."""
    pupils = Pupil.objects.all()
    if membership.role in WHOLE_REGISTER:
        return pupils
    if membership.role in ASSIGNED_PUPILS:
        return pupils.filter(assignments__user_id=membership.user_id)
    if membership.role in OWN_CHILDREN:
        return pupils.filter(parent_links__parent_id=membership.user_id)
    return pupils.none()


def with_sen_status(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Annotate each pupil's current SEN status (from the open provision record) and the
    date it began."""
    open_record = SenProvisionRecord.objects.filter(pupil=OuterRef("pk"), ended_on__isnull=True)
    return pupils.annotate(
        sen_status=Subquery(open_record.values("status")[:1]),
        sen_status_since=Subquery(open_record.values("started_on")[:1]),
    )


def register(membership: Membership) -> QuerySet[Pupil]:
    """The register as this member sees it, with each pupil's current SEN status and
    whether a review is overdue. Filtering is RegisterFilter's job (filters.py), shared by
    page and API."""
    # The register is where the SENCO's caseload comes together, so it reads one fact
    # from plans (the only place the register looks downstream).
    from apps.plans.selectors import pupil_has_overdue_review

    return (
        with_sen_status(pupils_visible_to(membership))
        .annotate(review_overdue=pupil_has_overdue_review(membership.school))
        .order_by("last_name", "first_name", "pk")
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


def school_members(school, roles) -> QuerySet[User]:
    """People who hold one of these roles in the school (users are not school-owned)."""
    return User.objects.filter(memberships__school=school, memberships__role__in=roles)


def school_teachers_and_tas(school) -> QuerySet[User]:
    return school_members(school, {Role.TEACHER, Role.TEACHING_ASSISTANT, Role.SENCO})


def school_parents(school) -> QuerySet[User]:
    return school_members(school, {Role.PARENT})
