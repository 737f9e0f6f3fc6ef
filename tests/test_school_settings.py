"""The school's settings: whom parents contact, shown in what is sent to them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from apps.audit.models import Entry
from apps.audit.trail import school_trail
from apps.pupils import services
from apps.pupils.rules import SenStatus
from apps.schools.models import School
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Alder Primary School", "senco_name": "Ms Ana Rivera",
    "senco_email": "senco@alder.example", "senco_phone": "020 7946 0000",
    "sendiass_name": "Camden SENDIASS", "sendiass_phone": "020 7974 0000",
    "sendiass_email": "sendiass@camden.example", "sendiass_website": "https://sendiass.example",
    "local_offer_url": "https://localoffer.example/send",
    "complaints": "Speak to the SENCO first; the complaints policy is on our website.",
}


def url(world):
    return reverse("schools:settings", kwargs={"school": world.school.slug})


@pytest.mark.parametrize("role", ["senco", "head"])
def test_the_senco_and_head_keep_the_contacts_and_each_change_is_audited(
        role, school_a, as_user):
    response = as_user(school_a.people[role]).post(url(school_a), SETTINGS)
    assert response.status_code == 302
    school = School.objects.get(pk=school_a.school.pk)
    assert {name: getattr(school, name) for name in SETTINGS} == SETTINGS
    entry = school_trail(school_a.school).filter(
        content_type__model="school", action=Entry.Action.UPDATE).get()
    assert entry.actor == school_a.people[role]
    assert entry.changes_dict["senco_name"] == ["", "Ms Ana Rivera"]


@pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
def test_others_cannot_change_the_settings(role, school_a, as_user):
    assert as_user(school_a.people[role]).post(url(school_a), SETTINGS).status_code == 403
    assert School.objects.get(pk=school_a.school.pk).senco_name == ""


def test_a_bad_value_is_shown_on_the_form_and_nothing_changes(school_a, as_user):
    page = as_user(school_a.senco).post(url(school_a), SETTINGS | {
        "local_offer_url": "not a web address", "name": ""})
    body = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in body
    assert 'href="#id_local_offer_url"' in body and 'href="#id_name"' in body
    assert School.objects.get(pk=school_a.school.pk).name == "Alder School"
    assert not Entry.objects.filter(content_type__model="school",
                                       action=Entry.Action.UPDATE).exists()


def test_parents_are_told_whom_to_contact(school_a, as_user, django_capture_on_commit_callbacks):
    as_user(school_a.senco).post(url(school_a), SETTINGS)
    school = School.objects.get(pk=school_a.school.pk)
    pupil = school_a.pupil
    with school_scope(school):
        services.sen_status_change(pupil=pupil, actor=school_a.senco, status=SenStatus.NO_SEN,
                                   on=datetime.date(2025, 9, 20), reason="Caught up")
        with django_capture_on_commit_callbacks(execute=True):
            services.sen_status_change(
                pupil=pupil, actor=school_a.senco, status=SenStatus.SEN_SUPPORT,
                on=datetime.date(2025, 10, 1), reason="Needs identified with parents")
    body = mail.outbox[-1].body
    for text in ("Ms Ana Rivera", "senco@alder.example", "Camden SENDIASS",
                 "https://localoffer.example/send"):
        assert text in body
    child = as_user(school_a.parent).get(reverse("family:child", kwargs={
        "school": school.slug, "pupil_id": pupil.pk})).content.decode()
    assert "Ms Ana Rivera" in child and "https://localoffer.example/send" in child
    assert "complaints policy" in child
