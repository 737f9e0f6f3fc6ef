"""Verbs about a school's members: change a role, record a leaver.

A leaver's membership is kept with the date they left (``Membership.left_on``): they can
no longer reach the school, and what they recorded stays attributed to them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.schools.models import Membership
from apps.schools.roles import STAFF_ROLES, Role

from .rules import leaves_school_without_senco


def _lock(membership) -> Membership:
    return Membership.everyone.select_for_update().get(pk=membership.pk)


def _keep_a_senco(membership, role_after) -> None:
    others = Membership.objects.filter(school=membership.school_id, role=Role.SENCO).exclude(
        pk=membership.pk).count()
    if leaves_school_without_senco(role_before=membership.role, role_after=role_after,
                                   other_sencos=others):
        raise ValidationError(
            "This is the school's only SENCO. Invite another SENCO first.")


def _not_yourself(membership, actor) -> None:
    if membership.user_id == actor.pk:
        raise ValidationError("You cannot change your own role or record yourself as "
                              "having left. Ask another SENCO or the headteacher.")


@transaction.atomic
def member_change_role(*, membership, role: str, actor, classes=None) -> Membership:
    """A new role (and, if given, the classes they teach)."""
    membership = _lock(membership)
    _not_yourself(membership, actor)
    if membership.left_on:
        raise ValidationError("This person has left the school.")
    if membership.role == Role.PARENT or role not in STAFF_ROLES:
        raise ValidationError({"role": "Choose a staff role. Parents and carers are "
                               "invited from their child's page."})
    changed = []
    if role != membership.role:
        _keep_a_senco(membership, role)
        membership.role = role
        changed.append("role")
    if classes is not None and list(classes) != membership.classes:
        membership.classes = list(classes)
        changed.append("classes")
    if changed:
        membership.save(update_fields=changed)
    return membership


@transaction.atomic
def member_leave(*, membership, actor, on=None) -> Membership:
    """Record that the person has left: from now they cannot sign in to this school."""
    membership = _lock(membership)
    _not_yourself(membership, actor)
    if membership.left_on:
        raise ValidationError("This person has already left the school.")
    _keep_a_senco(membership, None)
    membership.left_on = on or timezone.localdate()
    membership.save(update_fields=["left_on"])
    return membership
