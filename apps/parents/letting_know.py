"""E-mails that keep people in the loop: parents told a plan or a one-page profile is
shared with them (a link to their pages, never the PDF itself: it is about a child and
stays behind sign-in), and
the SENCO and the pupil's class teachers told that parents sent their views for a review.
Each is sent once per person (email.send_once) and then marked on its record; a record
left unmarked is owed and sent again by the sweep (owed.py)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.selectors import school_members
from apps.pupils.notices import family_url
from apps.pupils.selectors import responsible_teachers
from apps.reviews.models import ParentViews
from apps.schools.roles import Role
from apps.schools.tenancy import school_scope

from .email import Email, email_text, send_once
from .models import PlanSnapshot, SharedProfile


def _tell_parents(school, pupil, *, key: str, subject: str, template: str) -> int:
    """E-mail each of the pupil's parents once (under ``key`` and their id)."""
    emails = [Email(
        key=f"{key}:{link.parent_id}", to=link.parent.email, subject=subject,
        body=email_text(template, {"parent": link.parent, "pupil": pupil, "school": school,
                                   "url": family_url(pupil)}))
        for link in pupil.parent_links.select_related("parent")]
    return sum(send_once(school, email) for email in emails)


def tell_parents_plan_shared(*, school, snapshot_id: int) -> int:
    with school_scope(school):
        snapshot = PlanSnapshot.objects.select_related("pupil__school").get(pk=snapshot_id)
        pupil = snapshot.pupil
        sent = _tell_parents(school, pupil, key=f"plan-shared:{snapshot.pk}",
                             subject=f"{pupil.first_name}'s support plan from {school.name}",
                             template="parents/email/plan_shared.txt")
        PlanSnapshot.objects.filter(pk=snapshot_id).update(parents_told_at=timezone.now())
    return sent


def tell_parents_profile_shared(*, school, shared_id: int) -> int:
    with school_scope(school):
        shared = SharedProfile.objects.select_related("pupil__school").get(pk=shared_id)
        pupil = shared.pupil
        sent = _tell_parents(
            school, pupil, key=f"profile-shared:{shared.pk}",
            subject=f"{pupil.first_name}'s one-page profile from {school.name}",
            template="parents/email/profile_shared.txt")
        SharedProfile.objects.filter(pk=shared_id).update(parents_told_at=timezone.now())
    return sent


def tell_staff_of_views(*, school, views_id: int) -> int:
    with school_scope(school):
        views = ParentViews.objects.select_related("pupil__school", "parent", "cycle").get(
            pk=views_id)
        pupil = views.pupil
        people = {user.pk: user for user in school_members(school, {Role.SENCO})}
        people |= {user.pk: user for user in responsible_teachers(pupil)}
        url = settings.SITE_URL + reverse("reviews:cycle", kwargs={
            "school": school.slug, "cycle_id": views.cycle_id})
        emails = [Email(
            key=f"parent-views:{views.pk}:{user.pk}", to=user.email,
            subject=f"{pupil.full_name}'s parent sent their views for the review",
            body=email_text("parents/email/views_received.txt", {
                "user": user, "views": views, "pupil": pupil, "url": url}))
            for user in people.values()]
    sent = sum(send_once(school, email) for email in emails)
    with school_scope(school):
        ParentViews.objects.filter(pk=views_id).update(staff_told_at=timezone.now())
    return sent
