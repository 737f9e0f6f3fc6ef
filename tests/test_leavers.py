"""A pupil who leaves: off the working register, their record kept and read-only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.money import services as money
from apps.parents import services as parents
from apps.plans import services as plans
from apps.pupils import services
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.schools.tenancy import school_scope

from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db


def leave(world, pupil, on=None, destination="Riverside Academy"):
    with school_scope(world.school):
        return services.pupil_leave(pupil=pupil, actor=world.senco,
                                    on=on or timezone.localdate(), destination=destination)


def test_a_leaver_drops_off_the_register_and_their_record_stays(school_a, as_user, api_as):
    pupil = school_a.pupils[1]
    page = as_user(school_a.senco).post(
        reverse("pupils:pupil_leave", kwargs={"school": school_a.school.slug,
                                              "pupil_id": pupil.pk}),
        {"on": timezone.localdate().isoformat(), "destination": "Riverside Academy"},
        follow=True)
    body = page.content.decode()
    assert "left the school on" in body and "They went to Riverside Academy" in body
    assert "Change details" not in body and "Record or plan a meeting" not in body
    with school_scope(school_a.school):
        record = SenProvisionRecord.objects.get(pupil=pupil, ended_on__isnull=False)
        assert record.end_reason == "Left the school for Riverside Academy"
        assert Pupil.objects.filter(pk=pupil.pk).exists()
    url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
    api = api_as(school_a.senco)
    assert pupil.pk not in {row["id"] for row in api.get(url).json()["results"]}
    assert {row["id"] for row in api.get(url, {"roll": "left"}).json()["results"]} == {pupil.pk}
    assert api.get(f"{url}{pupil.pk}/").status_code == 200  # still there to read


def test_nothing_about_a_leaver_can_be_changed(school_a, api_as):
    cycle, _ = planned_cycle(school_a)
    pupil = school_a.pupil
    leave(school_a, pupil)
    today = timezone.localdate()
    with school_scope(school_a.school):
        pupil.refresh_from_db()
        refused = [
            lambda: services.pupil_update(pupil=pupil, actor=school_a.senco, class_name="9Z"),
            lambda: services.sen_status_change(pupil=pupil, actor=school_a.senco, status="K",
                                               on=today, reason="Back"),
            lambda: services.parent_invite(pupil=pupil, actor=school_a.senco,
                                           email="x@home.example", first_name="X",
                                           last_name="Y", relationship="Mother"),
            lambda: plans.session_record(provision=cycle.provisions.get(),
                                         actor=school_a.senco, date=datetime.date(2025, 12, 1)),
            lambda: parents.meeting_save(pupil=pupil, actor=school_a.senco, held=False,
                                         kind="review", date=today + datetime.timedelta(7)),
            lambda: money.top_up_draft(pupil=pupil, actor=school_a.senco),
            lambda: services.pupil_leave(pupil=pupil, actor=school_a.senco, on=today),
        ]
        for attempt in refused:
            with pytest.raises(ValidationError, match="left the school on"):
                attempt()
    response = api_as(school_a.senco).patch(
        f"/api/v1/schools/{school_a.school.slug}/pupils/{pupil.pk}/", {"class_name": "9Z"},
        format="json")
    assert response.status_code == 400
    assert "left the school on" in str(response.json())


def test_a_leaving_date_cannot_be_in_the_future_or_before_the_status_began(school_a):
    pupil = school_a.pupils[1]
    with school_scope(school_a.school), pytest.raises(ValidationError, match="future"):
        services.pupil_leave(pupil=pupil, actor=school_a.senco,
                             on=timezone.localdate() + datetime.timedelta(days=1))
    with school_scope(school_a.school), pytest.raises(ValidationError, match="on or after"):
        services.pupil_leave(pupil=pupil, actor=school_a.senco,
                             on=datetime.date(2000, 1, 1))


def test_a_leaver_s_support_is_not_projected_past_the_day_they_left(school_a):
    from apps.money.selectors import spend_by_pupil

    planned_cycle(school_a, opened_on=timezone.localdate() - datetime.timedelta(days=30),
                  review_date=timezone.localdate() + datetime.timedelta(days=60))
    pupil = school_a.pupil
    with school_scope(school_a.school):
        before = spend_by_pupil([pupil.pk], school_a.school)[pupil.pk]
    leave(school_a, pupil)
    with school_scope(school_a.school):
        after = spend_by_pupil([pupil.pk], school_a.school)[pupil.pk]
    assert before.committed > 0
    assert after.committed == 0 and after.spent == before.spent
