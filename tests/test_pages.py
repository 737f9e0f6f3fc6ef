"""Pages: signing in, choosing a school, the register, and changing it with the
error-summary pattern when something is wrong."""

import pytest

from apps.pupils.models import Pupil, SenProvisionRecord
from apps.schools.models import Membership
from apps.schools.tenancy import school_scope

from .factories import PASSWORD, valid_upn

pytestmark = pytest.mark.django_db


def test_signing_in_lands_on_the_only_schools_overview(client, school_a):
    from .two_factor import app_for, code_for

    device = app_for(school_a.senco)
    response = client.post("/accounts/sign-in/",
                           {"username": school_a.senco.email, "password": PASSWORD},
                           follow=True)
    assert "Enter the code from your authenticator app" in response.content.decode()
    response = client.post("/accounts/sign-in/code/", {"code": code_for(device), "next": "/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/s/{school_a.school.slug}/overview/"
    assert "Reviews overdue" in response.content.decode()


def test_a_wrong_password_shows_the_error_summary(client, school_a):
    response = client.post("/accounts/sign-in/",
                           {"username": school_a.senco.email, "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter a correct e-mail address" in page
    assert "<title>Error: Sign in" in page


def test_someone_in_two_schools_chooses_one(as_user, school_a, school_b):
    one_school = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/")
    assert "Change school" not in one_school.content.decode()
    Membership.objects.create(user=school_a.senco, school=school_b.school, role="head")
    page = as_user(school_a.senco).get("/").content.decode()
    assert "Choose a school" in page
    assert school_a.school.name in page and school_b.school.name in page
    register = as_user(school_a.senco).get(f"/s/{school_b.school.slug}/pupils/")
    assert "Change school" in register.content.decode()


def test_signing_out_needs_a_post_and_ends_the_session(as_user, school_a):
    client = as_user(school_a.senco)
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get(f"/s/{school_a.school.slug}/pupils/").status_code == 302


def test_the_register_filters_and_shows_status(as_user, school_a):
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/", {"sen_status": "K"}).content.decode()
    assert school_a.pupils[0].upn in page and school_a.pupils[1].upn in page
    assert school_a.pupils[2].upn not in page
    assert "2 pupils" in page


def test_the_pupil_page_shows_details_and_history(as_user, school_a):
    pupil = school_a.pupil
    page = as_user(school_a.senco).get(
        f"/s/{school_a.school.slug}/pupils/{pupil.pk}/").content.decode()
    assert pupil.upn in page
    assert "Speech, language and communication needs" in page
    assert "SEN status history" in page and "Change SEN status" in page
    teacher_page = as_user(school_a.teacher).get(
        f"/s/{school_a.school.slug}/pupils/{pupil.pk}/").content.decode()
    assert "Change SEN status" not in teacher_page


class TestAddingAPupilOnThePage:
    def url(self, world):
        return f"/s/{world.school.slug}/pupils/new/"

    def test_a_good_form_adds_the_pupil(self, as_user, school_a):
        response = as_user(school_a.senco).post(self.url(school_a), {
            "upn": valid_upn(700), "first_name": "Noah", "last_name": "Bell",
            "date_of_birth": "2018-02-03", "year_group": "2", "class_name": "2A",
            "primary_need": "SLCN", "secondary_need": "", "sen_status": "K",
            "staff": [school_a.teacher.pk],
        }, follow=True)
        page = response.content.decode()
        assert "Noah Bell has been added to the register" in page
        with school_scope(school_a.school):
            pupil = Pupil.objects.get(last_name="Bell")
            assert list(pupil.staff.all()) == [school_a.teacher]

    def test_a_bad_form_lists_every_problem_and_saves_nothing(self, as_user, school_a,
                                                             school_b):
        response = as_user(school_a.senco).post(self.url(school_a), {
            "upn": "A801200005001", "first_name": "", "last_name": "Bell",
            "date_of_birth": "not a date", "year_group": "2", "sen_status": "K",
            "staff": [school_b.teacher.pk],
        })
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        assert 'href="#id_first_name"' in page and 'href="#id_date_of_birth"' in page
        assert 'href="#id_staff_0"' in page  # another school's teacher is not a choice
        assert "govuk-form-group--error" in page
        with school_scope(school_a.school):
            assert not Pupil.objects.filter(last_name="Bell").exists()

    def test_service_rules_come_back_onto_the_form(self, as_user, school_a):
        response = as_user(school_a.senco).post(self.url(school_a), {
            "upn": valid_upn(701), "first_name": "Ivy", "last_name": "Stone",
            "date_of_birth": "2018-02-03", "year_group": "2", "sen_status": "K",
            "primary_need": "",
        })
        page = response.content.decode()
        assert 'href="#id_primary_need"' in page and "Select the primary need" in page


def test_changing_sen_status_on_the_page(as_user, school_a):
    pupil = school_a.pupil
    url = f"/s/{school_a.school.slug}/pupils/{pupil.pk}/sen-status/"
    client = as_user(school_a.senco)
    bad = client.post(url, {"status": "K", "on": "2025-03-01", "reason": "x"})
    assert "already recorded as SEN support" in bad.content.decode()
    good = client.post(url, {"status": "N", "on": "2025-03-01", "reason": "Caught up"},
                       follow=True)
    assert "is now recorded as No special educational needs" in good.content.decode()
    with school_scope(school_a.school):
        assert SenProvisionRecord.objects.filter(pupil=pupil).count() == 2


def test_editing_a_pupil_keeps_what_was_not_changed(as_user, school_a):
    pupil = school_a.pupil
    url = f"/s/{school_a.school.slug}/pupils/{pupil.pk}/edit/"
    client = as_user(school_a.senco)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["staff"] = [u.pk for u in data["staff"]]
    data["class_name"] = "4C"
    response = client.post(url, data)
    assert response.status_code == 302
    with school_scope(school_a.school):
        pupil.refresh_from_db()
        assert pupil.class_name == "4C"
        assert list(pupil.parents.all()) == [school_a.parent]  # parents: not on this form


@pytest.mark.parametrize(("kind", "value", "shown"), [
    ("sen_status", "K", '<strong class="govuk-tag govuk-tag--blue">SEN support</strong>'),
    ("sen_status", "E", '<strong class="govuk-tag govuk-tag--purple">EHC plan</strong>'),
    ("sen_status", "N", '<strong class="govuk-tag govuk-tag--grey">No SEN</strong>'),
    ("stage", "review", '<strong class="govuk-tag govuk-tag--purple">Review</strong>'),
    ("stage", "assess", '<strong class="govuk-tag govuk-tag--yellow">Assess</strong>'),
    ("spend", "over", '<strong class="govuk-tag govuk-tag--red">Over</strong>'),
    ("spend", "", ""),
    ("meeting", "at_risk", '<strong class="govuk-tag govuk-tag--orange">At risk</strong>'),
    ("meeting", "on_track", '<strong class="govuk-tag govuk-tag--green">On track</strong>'),
    ("recommendation", "consider",
     '<strong class="govuk-tag govuk-tag--yellow">Consider</strong>'),
    ("recommendation", "none", '<strong class="govuk-tag govuk-tag--grey">None</strong>'),
])
def test_a_state_reads_the_same_on_every_page(kind, value, shown):
    from django.template import Context, Template

    page = Template('{% load status_tags %}{% status_tag kind value %}')
    assert page.render(Context({"kind": kind, "value": value})) == shown


def test_the_register_shows_year_groups_and_needs_by_their_names(as_user, school_a):
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/").content.decode()
    pupil = school_a.pupil
    assert pupil.get_year_group_display() == f"Year {pupil.year_group}"
    assert (f'<abbr title="Speech, language and communication needs">{pupil.primary_need}'
            '</abbr>') in page
    assert f'<td class="govuk-table__cell">Year {pupil.year_group}</td>' in page
