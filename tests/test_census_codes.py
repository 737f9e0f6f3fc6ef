"""The census's need types: dated versions of the code set (Down syndrome from the spring
census of 2025), and NSA, "no specialist assessment", with SEN support only."""

import datetime

import pytest

from apps.pupils import services
from apps.pupils.models import Pupil
from apps.pupils.rules import NEED_AREA_OF, NeedArea, NeedType, SenStatus, need_types_valid_on
from apps.schools.tenancy import school_scope

from .factories import valid_upn

pytestmark = pytest.mark.django_db


def test_down_syndrome_is_a_need_type_from_the_spring_census_of_2025():
    assert NeedType.DS.label == "Down syndrome"
    assert NeedType.DS not in need_types_valid_on(datetime.date(2025, 1, 15))
    assert NeedType.DS in need_types_valid_on(datetime.date(2025, 1, 16))
    assert need_types_valid_on(datetime.date(2025, 1, 16)) - {NeedType.DS} == \
        need_types_valid_on(datetime.date(2024, 9, 1))  # a version adds; history stays
    assert NEED_AREA_OF[NeedType.DS] == NeedArea.COGNITION
    assert set(NeedType.values) == set(NEED_AREA_OF)


def test_a_pupil_can_be_recorded_with_down_syndrome(school_a):
    with school_scope(school_a.school):
        pupil = services.pupil_create(
            school=school_a.school, actor=school_a.senco, upn=valid_upn(9001), first_name="Amy",
            last_name="Cole", date_of_birth=datetime.date(2017, 3, 1), year_group=4,
            class_name="4A", primary_need=NeedType.DS, secondary_need=NeedType.SLCN,
            sen_status=SenStatus.SEN_SUPPORT, sen_status_since=datetime.date(2025, 9, 1))
        assert Pupil.objects.get(pk=pupil.pk).get_primary_need_display() == "Down syndrome"


def test_no_specialist_assessment_is_refused_with_an_ehc_plan(school_a, as_user):
    """NSA with an EHC plan: a 400 naming the field, and nothing saved."""
    slug, pupil = school_a.school.slug, school_a.pupil
    with school_scope(school_a.school):
        pupil.primary_need = NeedType.NSA
        pupil.save(update_fields=["primary_need"])
        with pytest.raises(services.ValidationError) as refused:
            services.sen_status_change(pupil=pupil, actor=school_a.senco,
                                       status=SenStatus.EHC_PLAN,
                                       on=datetime.date.today(), reason="Plan issued")
        assert "the need the EHC plan names" in str(refused.value.message_dict["status"])
        assert pupil.sen_records.filter(status=SenStatus.EHC_PLAN).count() == 0
    api = as_user(school_a.senco)
    answer = api.post(f"/api/v1/schools/{slug}/pupils/", {
        "upn": valid_upn(9002), "first_name": "Ben", "last_name": "Day",
        "date_of_birth": "2016-05-02",
        "year_group": 5, "sen_status": "E", "primary_need": "NSA"},
        content_type="application/json")
    assert answer.status_code == 400, answer.content
    fields = {error["attr"] for error in answer.json()["errors"]}
    assert "primary_need" in fields
    with school_scope(school_a.school):
        assert not Pupil.objects.filter(first_name="Ben").exists()
