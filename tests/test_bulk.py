"""Bulk actions on the register: one review date for several pupils, a parents' evening
for several, several plans shared at once. All or nothing: a pupil refused leaves every
pupil as they were, and the page names who and why."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from apps.parents.models import ParentMeeting, PlanSnapshot
from apps.plans.models import Cycle
from apps.pupils.rules import SenStatus
from apps.schools.tenancy import school_scope

from .factories import PupilFactory
from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def bulk_url(world, action, pupils):
    ids = "".join(f"&pupil={pupil.pk}" for pupil in pupils)
    return f"/s/{world.school.slug}/pupils/bulk/?action={action}{ids}"


def post(client, world, action, pupils, **data):
    return client.post(f"/s/{world.school.slug}/pupils/bulk/",
                       {"action": action, "pupil": [p.pk for p in pupils], **data})


def two_planned(world):
    first, second = world.pupils[0], world.pupils[1]
    cycles = [planned_cycle(world, pupil, opened_on=TODAY - 20 * DAY,
                            review_date=TODAY + 30 * DAY)[0] for pupil in (first, second)]
    return [first, second], cycles


def test_one_review_date_is_agreed_for_the_chosen_pupils(school_a, as_user):
    pupils, cycles = two_planned(school_a)
    client = as_user(school_a.senco)
    page = client.get(bulk_url(school_a, "review_date", pupils)).content.decode()
    assert "2 pupils" in page and pupils[0].full_name in page and pupils[1].full_name in page
    response = post(client, school_a, "review_date", pupils,
                    review_date=(TODAY + 50 * DAY).isoformat())
    assert response.status_code == 302
    with school_scope(school_a.school):
        assert {c.review_date for c in Cycle.objects.filter(pk__in=[c.pk for c in cycles])
                } == {TODAY + 50 * DAY}


def test_a_pupil_refused_leaves_everyone_as_they_were(school_a, as_user):
    pupils, cycles = two_planned(school_a)
    no_plan = PupilFactory(school=school_a.school, sen_status=SenStatus.SEN_SUPPORT)
    client = as_user(school_a.senco)
    response = post(client, school_a, "review_date", [*pupils, no_plan],
                    review_date=(TODAY + 50 * DAY).isoformat())
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert f"{no_plan.full_name}: has no support plan cycle open." in page
    with school_scope(school_a.school):
        assert {c.review_date for c in Cycle.objects.filter(pk__in=[c.pk for c in cycles])
                } == {TODAY + 30 * DAY}  # unchanged


def test_a_parents_evening_gives_each_pupil_the_next_slot_and_invites_the_parents(
        school_a, as_user, django_capture_on_commit_callbacks):
    pupils = sorted(school_a.pupils[:2], key=lambda p: (p.last_name, p.first_name, p.pk))
    client = as_user(school_a.senco)
    evening = TODAY + 10 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, school_a, "meetings", pupils, date=evening.isoformat(),
                        first_at="15:30", minutes="15", place="Hall")
    assert response.status_code == 302
    with school_scope(school_a.school):
        meetings = list(ParentMeeting.objects.order_by("time"))
    assert [(m.pupil_id, m.time, m.kind, m.held) for m in meetings] == [
        (pupils[0].pk, datetime.time(15, 30), "parents_evening", False),
        (pupils[1].pk, datetime.time(15, 45), "parents_evening", False)]  # in name order
    assert any(school_a.parent.email in m.to for m in mail.outbox)  # the taught pupil's


def test_plans_are_shared_together_or_not_at_all(school_a, as_user):
    pupils, cycles = two_planned(school_a)
    with school_scope(school_a.school):
        cycles[1].outcomes.all().delete()  # nothing to share yet
    client = as_user(school_a.senco)
    page = post(client, school_a, "share", pupils).content.decode()
    assert f"{pupils[1].full_name}: Add at least one outcome" in page
    with school_scope(school_a.school):
        assert not PlanSnapshot.objects.exists()
    response = post(client, school_a, "share", pupils[:1])
    assert response.status_code == 302
    with school_scope(school_a.school):
        assert list(PlanSnapshot.objects.values_list("pupil", flat=True)) == [pupils[0].pk]


def test_bad_choices_are_refused(school_a, school_b, as_user):
    client = as_user(school_a.senco)
    slug = school_a.school.slug
    # Another school's pupil, or one the member cannot see: 404, nothing shown.
    assert client.get(bulk_url(school_a, "review_date", [school_b.pupil])).status_code == 404
    assert client.get(f"/s/{slug}/pupils/bulk/?action=explode").status_code == 400
    page = client.get(f"/s/{slug}/pupils/bulk/?action=share").content.decode()
    assert "Choose at least one pupil on the register." in page
    many = [PupilFactory(school=school_a.school) for _ in range(101)]
    page = client.get(bulk_url(school_a, "review_date", many)).content.decode()
    assert "Choose at most 100 pupils at a time; 101 were chosen." in page
    # A teaching assistant may not share plans; a teacher sees only their own pupils.
    assert as_user(school_a.ta).get(
        bulk_url(school_a, "share", school_a.pupils[:1])).status_code == 403
    assert as_user(school_a.teacher).get(
        bulk_url(school_a, "meetings", school_a.pupils[1:2])).status_code == 404


def test_a_class_is_found_on_the_register_to_choose_from(school_a, as_user):
    from apps.pupils.models import Pupil

    with school_scope(school_a.school):
        Pupil.objects.filter(pk=school_a.pupils[1].pk).update(class_name="5C")
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/?class_name=5c").content.decode()
    assert f'id="choose-{school_a.pupils[1].pk}"' in page  # its checkbox
    assert f'id="choose-{school_a.pupils[0].pk}"' not in page
