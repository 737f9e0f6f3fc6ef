"""Closing a cycle says what will happen and asks to confirm; a cycle closed by mistake can
be reopened for a week while nothing has been recorded since, and the reopening undoes
the closing exactly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import Entry
from apps.parents import services as parents
from apps.plans import services as plans
from apps.plans.models import Cycle, Provision, StageChange
from apps.plans.rules import Stage
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import SenStatus
from apps.pupils.services import sen_status_change
from apps.reviews import services as reviews
from apps.reviews.selectors import reopen_refusal
from apps.schools.tenancy import school_scope

from .plans_helpers import D, planned_cycle

pytestmark = pytest.mark.django_db


def cycle_url(world, cycle, name):
    return reverse(f"reviews:{name}", kwargs={"school": world.school.slug,
                                              "cycle_id": cycle.pk})


def reviewed(world, *, next_step="continue", rating="partly", **extra):
    cycle, provision = planned_cycle(world, stage=Stage.REVIEW)
    with school_scope(world.school):
        reviews.review_save(
            cycle=cycle, actor=world.senco, held_on=D(2025, 12, 8), attendees="SENCO, mum",
            parents_attended=True, next_step=next_step, next_step_reason="Agreed with mum",
            ratings=[{"outcome": o, "rating": rating} for o in cycle.outcomes.all()],
            **extra)
    return cycle, provision


def test_closing_shows_what_will_happen_and_asks_to_confirm(school_a, as_user):
    cycle, provision = reviewed(school_a)
    client = as_user(school_a.senco)
    page = client.get(cycle_url(school_a, cycle, "cycle")).content.decode()
    assert f'href="{cycle_url(school_a, cycle, "close")}"' in page  # a link, not a POST
    page = client.get(cycle_url(school_a, cycle, "close")).content.decode()
    assert "What will happen" in page
    assert "Cycle 1 closes on 8 December 2025" in page
    assert "Cycle 2 opens on 8 December 2025" in page
    assert "Follows a two-step instruction in class (1)" in page  # carried forward
    assert str(provision) in page  # continued
    assert "reopen it within 7 days" in page
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.REVIEW  # looking changes nothing
    client.post(cycle_url(school_a, cycle, "close"))
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.CLOSED


def test_closing_a_step_down_says_the_pupil_comes_off_sen_support(school_a, as_user):
    cycle, _ = reviewed(school_a, next_step="step_down", rating="achieved",
                        step_down_on=D(2025, 12, 9))
    page = as_user(school_a.senco).get(cycle_url(school_a, cycle, "close")).content.decode()
    assert "comes off SEN support" in page and "9 December 2025" in page
    assert "Cycle 2 opens" not in page


def test_a_cycle_not_ready_to_close_says_what_is_missing(school_a, as_user):
    cycle, _ = planned_cycle(school_a, stage=Stage.REVIEW)
    page = as_user(school_a.senco).get(cycle_url(school_a, cycle, "close")).content.decode()
    assert "cannot be closed yet" in page and "Record the review meeting" in page
    assert "Close cycle 1</button>" not in page


def test_reopening_undoes_a_closing_that_carried_support_on(school_a, as_user):
    cycle, provision = reviewed(school_a)
    with school_scope(school_a.school):
        plans.provision_save(cycle=cycle, actor=school_a.senco, instance=provision,
                             end_date=None)  # goes on until changed
        reviews.cycle_close(cycle=Cycle.objects.get(pk=cycle.pk), actor=school_a.senco)
        provision.refresh_from_db()
        assert provision.end_date == D(2025, 12, 7)  # ended to carry it on
        following = Cycle.objects.get(plan=cycle.plan, number=2)
    client = as_user(school_a.senco)
    page = client.get(cycle_url(school_a, cycle, "cycle")).content.decode()
    assert "Reopen cycle 1" in page
    refused = client.post(cycle_url(school_a, cycle, "reopen"), {"reason": ""})
    assert "Say why the cycle is being reopened" in refused.content.decode()
    page = client.post(cycle_url(school_a, cycle, "reopen"),
                       {"reason": "Closed before mum's views were added"},
                       follow=True).content.decode()
    assert "Cycle 1 is open again, at Review" in page
    with school_scope(school_a.school):
        cycle.refresh_from_db()
        provision.refresh_from_db()
        assert (cycle.stage, cycle.closed_on, cycle.rated_outcomes) == (Stage.REVIEW, None,
                                                                        None)
        assert provision.end_date is None  # as before the closing
        assert not Cycle.objects.filter(pk=following.pk).exists()
        assert not Provision.objects.filter(cycle_id=following.pk).exists()
        change = StageChange.objects.filter(cycle=cycle).last()
        assert (change.stage, change.reason, change.moved_by) == (
            Stage.REVIEW, "Closed before mum's views were added", school_a.senco)
        entries = Entry.objects.filter(object_pk=str(following.pk),
                                       content_type__model="cycle")
        assert entries.filter(action=Entry.Action.DELETE).exists()
    # Closed again, it opens cycle 2 again with the same provision carried.
    with school_scope(school_a.school):
        again = reviews.cycle_close(cycle=cycle, actor=school_a.senco)
        assert again.number == 2 and again.provisions.get().end_date is None


def test_reopening_a_step_down_puts_the_pupil_back_on_sen_support(school_a):
    cycle, _ = reviewed(school_a, next_step="step_down", rating="achieved",
                        step_down_on=D(2025, 12, 9))
    with school_scope(school_a.school):
        reviews.cycle_close(cycle=cycle, actor=school_a.senco)
        assert SenProvisionRecord.objects.get(pupil=school_a.pupil,
                                              ended_on__isnull=True).status == SenStatus.NO_SEN
        reviews.cycle_reopen(cycle=cycle, actor=school_a.senco, reason="Wrong pupil")
        open_record = SenProvisionRecord.objects.get(pupil=school_a.pupil,
                                                     ended_on__isnull=True)
        assert open_record.status == SenStatus.SEN_SUPPORT and open_record.end_reason == ""
        assert not SenProvisionRecord.objects.filter(pupil=school_a.pupil,
                                                     status=SenStatus.NO_SEN).exists()


def closed_and_following(world):
    cycle, _ = reviewed(world)
    with school_scope(world.school):
        following = reviews.cycle_close(cycle=cycle, actor=world.senco)
    return cycle, following


@pytest.mark.parametrize("since", ["session", "plan_change", "shared", "views", "status"])
def test_nothing_recorded_since_or_the_cycle_stays_closed(since, school_a):
    cycle, following = closed_and_following(school_a)
    pupil = school_a.pupil
    with school_scope(school_a.school):
        if since == "session":
            provision = following.provisions.get()
            for step in (Stage.PLAN, Stage.DO):
                Cycle.objects.filter(pk=following.pk).update(stage=step)
            plans.session_record(provision=provision, actor=school_a.ta,
                                 date=D(2026, 1, 5), status="delivered")
        elif since == "plan_change":
            plans.cycle_update(cycle=following, actor=school_a.senco, needs="Changed")
        elif since == "shared":
            parents.plan_share(cycle=following, actor=school_a.senco,
                               pupil_views_missing_because="Gathered with a talking mat")
            Cycle.objects.filter(pk=following.pk).update(version=1)
        elif since == "views":
            parents.views_add(pupil=pupil, parent=school_a.parent, views="He is happier")
        else:
            SenProvisionRecord.objects.filter(pupil=pupil, ended_on__isnull=True).update(
                recorded_at=timezone.now() - datetime.timedelta(days=30))
            sen_status_change(pupil=pupil, actor=school_a.senco, status=SenStatus.NO_SEN,
                              on=timezone.localdate(), reason="Caught up")
        with pytest.raises(ValidationError):
            reviews.cycle_reopen(cycle=cycle, actor=school_a.senco, reason="Mistake")
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.CLOSED
        assert Cycle.objects.filter(pk=following.pk).exists()


def test_a_week_after_closing_the_cycle_cannot_be_reopened(school_a, as_user):
    cycle, _ = closed_and_following(school_a)
    with school_scope(school_a.school):
        StageChange.objects.filter(cycle=cycle, stage=Stage.CLOSED).update(
            began_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
        assert "within 7 days" in reopen_refusal(cycle)
    client = as_user(school_a.senco)
    assert "Reopen cycle 1" not in client.get(cycle_url(school_a, cycle, "cycle")).content.decode()
    client.post(cycle_url(school_a, cycle, "reopen"), {"reason": "Mistake"})
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.CLOSED


def test_only_the_senco_reopens(school_a, as_user):
    cycle, _ = closed_and_following(school_a)
    response = as_user(school_a.teacher).post(cycle_url(school_a, cycle, "reopen"),
                                              {"reason": "Mistake"})
    assert response.status_code in (403, 404)
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.CLOSED


def test_the_api_reopens_and_answers_409_when_it_cannot(school_a, api_as):
    cycle, following = closed_and_following(school_a)
    with school_scope(school_a.school):
        review = cycle.reviews.get()
    url = f"/api/v1/schools/{school_a.school.slug}/reviews/{review.pk}/reopen/"
    assert api_as(school_a.teacher).post(url, {"reason": "x"}, format="json").status_code \
        in (403, 404)
    api = api_as(school_a.senco)
    assert api.post(url, {}, format="json").status_code == 400
    with school_scope(school_a.school):
        plans.cycle_update(cycle=following, actor=school_a.senco, needs="Changed")
    refused = api.post(url, {"reason": "Mistake"}, format="json")
    assert refused.status_code == 409 and "cycle 2 has been used" in str(refused.json())
    with school_scope(school_a.school):
        Cycle.objects.filter(pk=following.pk).update(version=1)
    assert api.post(url, {"reason": "Mistake"}, format="json").status_code == 200
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).stage == Stage.REVIEW
