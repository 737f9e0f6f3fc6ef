"""No lost updates: two people editing the same plan cannot silently overwrite each other."""

import pytest

from apps.plans import services as plans
from apps.plans.models import Cycle
from apps.schools.tenancy import school_scope

from .plans_helpers import planned_cycle

pytestmark = pytest.mark.django_db


def test_a_stale_save_is_refused_by_the_service(school_a):
    cycle, _ = planned_cycle(school_a, stage="plan")
    seen = cycle.version
    with school_scope(school_a.school):
        plans.cycle_update(cycle=cycle, actor=school_a.senco, needs="First edit",
                           expected_version=seen)
        stale = Cycle.objects.get(pk=cycle.pk)
        with pytest.raises(plans.StaleEdit) as error:
            plans.cycle_update(cycle=stale, actor=school_a.teacher, needs="Second edit",
                               expected_version=seen)
        assert "changed this plan" in error.value.messages[0]
        assert Cycle.objects.get(pk=cycle.pk).needs == "First edit"


def test_on_the_page_the_second_save_is_told_what_is_saved_now(school_a, as_user):
    cycle, _ = planned_cycle(school_a, stage="plan")
    url = f"/s/{school_a.school.slug}/cycles/{cycle.pk}/assess/"
    senco, teacher = as_user(school_a.senco), None
    from django.test import Client

    teacher = Client()
    teacher.force_login(school_a.teacher)
    first = senco.get(url).context["form"]["version"].value()
    second = teacher.get(url).context["form"]["version"].value()
    fields = {"strengths": "Kind", "pupil_views": "", "parent_views": ""}
    assert senco.post(url, fields | {"needs": "Reading", "version": first}).status_code == 302
    page = teacher.post(url, fields | {"needs": "Writing", "version": second})
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert "changed this plan" in text and "Nothing you entered has been saved" in text
    assert "Saved now – Needs: Reading" in text
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).needs == "Reading"


def test_through_the_api_an_if_match_on_an_old_etag_gets_412(school_a, api_as):
    cycle, provision = planned_cycle(school_a, stage="plan")
    api = api_as(school_a.senco)
    base = f"/api/v1/schools/{school_a.school.slug}"
    etag = api.get(f"{base}/cycles/{cycle.pk}/")["ETag"]
    first = api.patch(f"{base}/cycles/{cycle.pk}/", {"needs": "A"}, format="json",
                      HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    second = api.patch(f"{base}/cycles/{cycle.pk}/", {"needs": "B"}, format="json",
                       HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second.json()["errors"][0]["code"] == "precondition_failed"
    stale_outcome = api.patch(f"{base}/provisions/{provision.pk}/", {"details": "x"},
                              format="json", HTTP_IF_MATCH=etag)
    assert stale_outcome.status_code == 412  # the provision belongs to the same plan
    with school_scope(school_a.school):
        assert Cycle.objects.get(pk=cycle.pk).needs == "A"
