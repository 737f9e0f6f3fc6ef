"""The SEN register: adding pupils, UPNs, needs, and SEN status with its history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.pupils import services
from apps.pupils.models import Pupil, SenProvisionRecord
from apps.pupils.rules import NEED_AREA_OF, NeedArea, NeedType, SenStatus
from apps.pupils.validators import validate_upn
from apps.schools.tenancy import school_scope

from .factories import valid_upn

pytestmark = pytest.mark.django_db


def new_pupil(**overrides):
    return {
        "upn": valid_upn(500),
        "first_name": "Maya",
        "last_name": "Patel",
        "date_of_birth": "2017-05-04",
        "year_group": 3,
        "class_name": "3C",
    } | overrides


class TestUpn:
    def test_a_valid_upn_passes(self):
        validate_upn("B801200005001")

    @pytest.mark.parametrize(
        "upn,words",
        [
            ("A801200005001", "check letter (the first character, A) does not match"),
            ("B80120000500", "13 characters; this one has 12"),
            ("X80120000A001", "a check letter, 11 digits"),
            ("E000200005001", "local authority number in this UPN (characters 2 to 4, 000)"),
        ],
    )
    def test_a_wrong_upn_says_what_is_wrong(self, upn, words):
        with pytest.raises(ValidationError) as error:
            validate_upn(upn)
        assert words in " ".join(error.value.messages)


class TestAddingAPupil:
    def test_the_senco_adds_a_pupil_on_sen_support_with_a_need(self, school_a, api_as):
        api = api_as(school_a.senco)
        response = api.post(
            f"/api/v1/schools/{school_a.school.slug}/pupils/",
            new_pupil(sen_status="K", primary_need="SPLD", staff=[school_a.teacher.pk]),
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["sen_status"] == "K"
        assert body["need_areas"] == [NeedArea.COGNITION]
        assert body["staff"] == [school_a.teacher.pk]
        with school_scope(school_a.school):
            pupil = Pupil.objects.get(pk=body["id"])
            assert pupil.sen_records.get().status == SenStatus.SEN_SUPPORT

    def test_bad_input_gets_field_messages_and_saves_nothing(self, school_a, api_as):
        api = api_as(school_a.senco)
        url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
        response = api.post(
            url,
            new_pupil(upn="A801200005001", sen_status="K", primary_need="",
                      secondary_need="SEMH", date_of_birth="2099-01-01"),
            format="json",
        )
        assert response.status_code == 400
        errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
        assert "check letter" in errors["upn"]
        assert "primary need" in errors["primary_need"]
        assert "past" in errors["date_of_birth"]
        assert response.json()["type"] == "validation_error"
        with school_scope(school_a.school):
            assert Pupil.objects.count() == 3
            assert SenProvisionRecord.objects.count() == 3

    def test_a_upn_is_unique_within_a_school_but_not_across_schools(self, school_a,
                                                                    school_b, api_as):
        taken = school_a.pupil.upn
        response = api_as(school_a.senco).post(
            f"/api/v1/schools/{school_a.school.slug}/pupils/", new_pupil(upn=taken),
            format="json")
        assert response.status_code == 400
        assert "already has this UPN" in response.json()["errors"][0]["detail"]
        # A pupil who moved school has a record at each school under the same UPN.
        response = api_as(school_b.senco).post(
            f"/api/v1/schools/{school_b.school.slug}/pupils/", new_pupil(upn=taken),
            format="json")
        assert response.status_code == 201

    def test_the_secondary_need_differs_from_the_primary(self, school_a):
        with school_scope(school_a.school), pytest.raises(ValidationError) as error:
            services.pupil_create(school=school_a.school, actor=school_a.senco,
                                  **new_pupil(primary_need="SEMH", secondary_need="SEMH",
                                              date_of_birth=datetime.date(2017, 5, 4)))
        assert "different from the primary" in error.value.message_dict["secondary_need"][0]


class TestSenStatus:
    def change(self, school, pupil, actor, **kwargs):
        with school_scope(school):
            return services.sen_status_change(pupil=pupil, actor=actor, **kwargs)

    def test_a_change_closes_the_open_record_and_keeps_the_history(self, school_a):
        pupil = school_a.pupils[2]  # no SEN
        pupil.primary_need = NeedType.SLCN
        with school_scope(school_a.school):
            pupil.save()
        today = timezone.localdate()
        self.change(school_a.school, pupil, school_a.senco, status="K", on=today,
                    reason="Speech assessment")
        with school_scope(school_a.school):
            records = list(SenProvisionRecord.objects.filter(pupil=pupil).order_by("pk"))
        assert [(r.status, r.ended_on) for r in records] == [("N", today), ("K", None)]
        assert records[0].end_reason == "Speech assessment"

    def test_one_open_record_at_a_time_is_enforced_by_the_database(self, school_a):
        from django.db import IntegrityError, transaction

        with school_scope(school_a.school), pytest.raises(IntegrityError), \
                transaction.atomic():
            SenProvisionRecord.objects.create(
                school=school_a.school, pupil=school_a.pupil, status="E",
                started_on=datetime.date(2025, 1, 1), start_reason="second open record")

    @pytest.mark.parametrize(
        "kwargs,field,words",
        [
            ({"status": "K"}, "status", "already recorded as SEN support"),
            ({"on": datetime.date(2099, 1, 1)}, "on", "cannot be in the future"),
            ({"on": datetime.date(2020, 1, 1)}, "on", "on or after"),
            ({"reason": "  "}, "reason", "Enter the reason"),
        ],
    )
    def test_a_bad_change_says_why_and_changes_nothing(self, school_a, kwargs, field, words):
        pupil = school_a.pupil  # on SEN support since 4 September 2024
        change = {"status": "N", "on": datetime.date(2025, 3, 1), "reason": "Caught up"}
        with pytest.raises(ValidationError) as error:
            self.change(school_a.school, pupil, school_a.senco, **(change | kwargs))
        assert words in " ".join(error.value.message_dict[field])
        with school_scope(school_a.school):
            assert SenProvisionRecord.objects.filter(pupil=pupil).count() == 1

    def test_sen_support_needs_a_recorded_primary_need(self, school_a, api_as):
        pupil = school_a.pupils[2]
        response = api_as(school_a.senco).post(
            f"/api/v1/schools/{school_a.school.slug}/pupils/{pupil.pk}/sen-status/",
            {"status": "K", "on": "2025-01-10", "reason": "Concerns"}, format="json")
        assert response.status_code == 400
        assert "primary need" in response.json()["errors"][0]["detail"]

    def test_history_through_the_api(self, school_a, api_as):
        api = api_as(school_a.senco)
        base = f"/api/v1/schools/{school_a.school.slug}/pupils/{school_a.pupil.pk}"
        response = api.post(f"{base}/sen-status/",
                            {"status": "N", "on": "2025-06-01", "reason": "Caught up"},
                            format="json")
        assert response.status_code == 201
        history = api.get(f"{base}/sen-history/").json()
        assert [(h["status"], h["ended_on"]) for h in history] == [
            ("N", None), ("K", "2025-06-01")]


class TestRegisterFilters:
    @pytest.mark.parametrize(
        "query,expected",
        [
            ({"sen_status": "K"}, {0, 1}),
            ({"sen_status": "N"}, {2}),
            ({"year_group": "5"}, {1, 2}),
            ({"need_area": "semh"}, {1}),
            ({"need_area": "communication"}, {0}),
        ],
    )
    def test_filters(self, school_a, api_as, query, expected):
        rows = api_as(school_a.senco).get(
            f"/api/v1/schools/{school_a.school.slug}/pupils/", query).json()["results"]
        assert {r["upn"] for r in rows} == {school_a.pupils[i].upn for i in expected}

    def test_search_by_name_and_upn(self, school_a, api_as):
        pupil = school_a.pupils[1]
        url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
        api = api_as(school_a.senco)
        assert [r["id"] for r in api.get(url, {"q": pupil.upn.lower()}).json()["results"]] \
            == [pupil.pk]
        found = api.get(url, {"q": pupil.last_name[:4]}).json()["results"]
        assert pupil.pk in [r["id"] for r in found]

    def test_the_page_keeps_the_chosen_filters_in_its_form(self, school_a, as_user):
        page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/",
                                           {"year_group": "5", "sen_status": "K"})
        assert {r.pupil.upn for r in page.context["page"]} == {school_a.pupils[1].upn}
        html = page.content.decode()
        assert '<option value="5" selected>Year 5</option>' in html
        assert '<option value="K" selected>SEN support</option>' in html
        assert '<option value="" selected>Any year</option>' not in html
        assert '<option value="" selected>Any area</option>' in html

    def test_an_unknown_filter_value_is_a_field_error(self, school_a, api_as):
        response = api_as(school_a.senco).get(
            f"/api/v1/schools/{school_a.school.slug}/pupils/", {"sen_status": "Z"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "sen_status"


def test_every_need_type_has_a_broad_area():
    assert set(NEED_AREA_OF) == set(NeedType.values)


def test_the_register_costs_the_same_queries_for_3_or_30_pupils(
    school_a, as_user, api_as
):
    from .factories import PupilFactory

    slug = school_a.school.slug
    client, api = as_user(school_a.senco), api_as(school_a.senco)

    def count_queries(fetch):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert fetch().status_code == 200
        return len(queries)

    page_before = count_queries(lambda: client.get(f"/s/{slug}/pupils/"))
    api_before = count_queries(lambda: api.get(f"/api/v1/schools/{slug}/pupils/"))
    PupilFactory.create_batch(27, school=school_a.school, sen_status="K",
                              primary_need="SLCN")
    assert count_queries(lambda: client.get(f"/s/{slug}/pupils/")) == page_before
    assert count_queries(lambda: api.get(f"/api/v1/schools/{slug}/pupils/")) == api_before


def test_the_api_lists_each_pupils_staff_and_parents_in_name_order(school_a, api_as):
    from apps.accounts.models import User

    from .factories import ParentLinkFactory, StaffAssignmentFactory, UserFactory

    taught, other, _ = school_a.pupils
    teacher, assistant = school_a.people["teacher"], school_a.people["ta"]
    User.objects.filter(pk=teacher.pk).update(last_name="Zeal")
    User.objects.filter(pk=assistant.pk).update(last_name="Ames")
    second_parent = UserFactory(last_name="Aaronson")
    ParentLinkFactory(pupil=taught, parent=second_parent)
    StaffAssignmentFactory(pupil=other, user=teacher)

    rows = {row["id"]: row for row in api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/pupils/").json()["results"]}
    assert rows[taught.pk]["staff"] == [assistant.pk, teacher.pk]
    assert rows[taught.pk]["parents"] == [second_parent.pk, school_a.people["parent"].pk]
    assert rows[other.pk]["staff"] == [teacher.pk] and rows[other.pk]["parents"] == []
    # One pupil, as retrieved, reads the same from its own links.
    one = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/pupils/{taught.pk}/").json()
    assert (one["staff"], one["parents"]) == (rows[taught.pk]["staff"],
                                              rows[taught.pk]["parents"])
