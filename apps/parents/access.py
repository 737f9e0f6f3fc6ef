"""The doors from an id to a meeting with parents or a shared plan the member may see: a
parent sees those of their own children, staff those of the pupils they may see."""

from apps.pupils.selectors import about_pupils_visible_to
from apps.schools.access import get_or_404
from apps.schools.models import Membership

from .models import ParentMeeting, PlanSnapshot, SharedProfile


def meetings_visible_to(membership: Membership):
    return about_pupils_visible_to(ParentMeeting, membership)


def shared_plans_visible_to(membership: Membership):
    return about_pupils_visible_to(PlanSnapshot, membership)


def access_meeting(membership: Membership, pk) -> ParentMeeting:
    return get_or_404(meetings_visible_to(membership).select_related("pupil"), pk)


def access_shared_plan(membership: Membership, pk) -> PlanSnapshot:
    return get_or_404(shared_plans_visible_to(membership).select_related("pupil"), pk)


def access_shared_profile(membership: Membership, pk) -> SharedProfile:
    return get_or_404(about_pupils_visible_to(SharedProfile, membership)
                      .select_related("pupil", "profile"), pk)
