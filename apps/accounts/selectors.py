"""Who belongs to a school, and the invitations it has sent."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from apps.schools.models import Membership
from apps.schools.roles import STAFF, Action, role_may

from .models import Invitation

User = get_user_model()


def account_with(email: str):
    """The account that signs in with this address, if any. Addresses are stored in lower
    case (UserManager, invitations), so an exact match uses the unique index on
    accounts_user.email where iexact would scan the table."""
    return User.objects.filter(email=User.objects.normalize_email(email).lower()).first()


def school_members(school, roles) -> QuerySet:
    """People who hold one of these roles in the school now (leavers excluded; users are
    not school-owned, so the school is named here)."""
    return User.objects.filter(memberships__school=school, memberships__role__in=roles,
                               memberships__left_on__isnull=True)


def members_visible_to(membership) -> QuerySet[Membership]:
    """The memberships a member may look up: the SENCO and head see everyone, leavers and
    parents included; other staff see the school's current staff (to name who delivers
    support or owns an outcome); parents see nobody."""
    members = Membership.everyone.filter(school=membership.school_id).select_related("user")
    if role_may(membership.role, Action.MANAGE_PEOPLE):
        return members
    if membership.role in STAFF:
        return members.filter(left_on__isnull=True, role__in=STAFF)
    return members.none()


def invitations_visible_to(membership) -> QuerySet[Invitation]:
    if not role_may(membership.role, Action.MANAGE_PEOPLE):
        return Invitation.objects.none()
    return Invitation.objects.select_related("invited_by")
