"""Isolation: another school's data, or a child who is not yours, is a 404 — on every page
and every endpoint. Adding a page or an endpoint means adding it to the tables here."""

import pytest

pytestmark = pytest.mark.django_db

# Every page under /s/<school>/ and every endpoint under /api/v1/schools/<school>/.
# {school} and {pupil} are filled in per test.
PUPIL_PAGES = [
    "/s/{school}/pupils/{pupil}/",
    "/s/{school}/pupils/{pupil}/edit/",
    "/s/{school}/pupils/{pupil}/sen-status/",
]
SCHOOL_PAGES = ["/s/{school}/", "/s/{school}/pupils/", "/s/{school}/pupils/new/"]
PUPIL_ENDPOINTS = [
    ("get", "/api/v1/schools/{school}/pupils/{pupil}/"),
    ("patch", "/api/v1/schools/{school}/pupils/{pupil}/"),
    ("put", "/api/v1/schools/{school}/pupils/{pupil}/"),
    ("post", "/api/v1/schools/{school}/pupils/{pupil}/sen-status/"),
    ("get", "/api/v1/schools/{school}/pupils/{pupil}/sen-history/"),
]
SCHOOL_ENDPOINTS = [
    ("get", "/api/v1/schools/{school}/pupils/"),
    ("post", "/api/v1/schools/{school}/pupils/"),
]
ROLES = ["senco", "teacher", "ta", "head", "parent"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", SCHOOL_PAGES + PUPIL_PAGES)
def test_pages_of_another_school_are_not_found(url, role, school_a, school_b, as_user):
    client = as_user(school_a.people[role])
    for pupil in school_b.pupils:
        response = client.get(url.format(school=school_b.school.slug, pupil=pupil.pk))
        assert response.status_code == 404
        assert pupil.upn not in response.content.decode()
        assert pupil.full_name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PUPIL_PAGES)
def test_another_schools_pupil_under_my_school_is_not_found(url, role, school_a, school_b,
                                                             as_user):
    client = as_user(school_a.people[role])
    for pupil in school_b.pupils:
        response = client.get(url.format(school=school_a.school.slug, pupil=pupil.pk))
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url", SCHOOL_ENDPOINTS + PUPIL_ENDPOINTS)
def test_endpoints_of_another_school_are_not_found(method, url, role, school_a, school_b,
                                                   api_as):
    api = api_as(school_a.people[role])
    for pupil in school_b.pupils:
        response = getattr(api, method)(
            url.format(school=school_b.school.slug, pupil=pupil.pk), {}, format="json"
        )
        assert response.status_code == 404, response.content
        assert response.json()["type"] == "client_error"
        assert pupil.upn not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url", PUPIL_ENDPOINTS)
def test_another_schools_pupil_through_my_school_is_not_found(method, url, role, school_a,
                                                               school_b, api_as):
    api = api_as(school_a.people[role])
    for pupil in school_b.pupils:
        response = getattr(api, method)(
            url.format(school=school_a.school.slug, pupil=pupil.pk), {}, format="json"
        )
        assert response.status_code == 404


def test_an_unknown_school_looks_the_same_as_someone_elses(school_a, school_b, as_user, api_as):
    client = as_user(school_a.senco)
    unknown = client.get("/s/no-such-school/pupils/")
    other = client.get(f"/s/{school_b.school.slug}/pupils/")
    assert unknown.status_code == other.status_code == 404
    api = api_as(school_a.senco)
    unknown = api.get("/api/v1/schools/no-such-school/pupils/")
    other = api.get(f"/api/v1/schools/{school_b.school.slug}/pupils/")
    assert unknown.status_code == other.status_code == 404
    assert unknown.json() == other.json()


def test_register_lists_never_include_another_schools_pupils(school_a, school_b, as_user,
                                                             api_as):
    page = as_user(school_a.senco).get(f"/s/{school_a.school.slug}/pupils/").content.decode()
    data = api_as(school_a.senco).get(f"/api/v1/schools/{school_a.school.slug}/pupils/").json()
    upns = {row["upn"] for row in data["results"]}
    assert upns == {p.upn for p in school_a.pupils}
    for pupil in school_b.pupils:
        assert pupil.upn not in page
        assert pupil.upn not in upns


def test_my_schools_lists_only_my_memberships(school_a, school_b, api_as):
    data = api_as(school_a.senco).get("/api/v1/schools/").json()
    assert [s["slug"] for s in data] == [school_a.school.slug]


def test_pointing_a_new_pupil_at_another_schools_staff_or_parent_is_rejected(
    school_a, school_b, api_as
):
    api = api_as(school_a.senco)
    url = f"/api/v1/schools/{school_a.school.slug}/pupils/"
    base = {"upn": "A801200115999", "first_name": "Ada", "last_name": "Lovelace",
            "date_of_birth": "2017-01-02", "year_group": 3}
    from tests.factories import valid_upn
    base["upn"] = valid_upn(999)
    response = api.post(url, base | {"staff": [school_b.teacher.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("staff")
    response = api.post(url, base | {"parents": [school_b.parent.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("parents")
    assert api.get(url, {"q": "Lovelace"}).json()["count"] == 0


class TestWithinASchool:
    """Inside one school, teachers and TAs see the pupils they work with and parents only
    their own children; SENCO, head and trust lead see everyone."""

    @pytest.mark.parametrize("role", ["teacher", "ta", "parent"])
    def test_sees_only_their_pupils(self, role, school_a, as_user, api_as):
        taught, other, no_sen = school_a.pupils
        client = as_user(school_a.people[role])
        slug = school_a.school.slug
        page = client.get(f"/s/{slug}/pupils/").content.decode()
        assert taught.upn in page and other.upn not in page and no_sen.upn not in page
        assert client.get(f"/s/{slug}/pupils/{taught.pk}/").status_code == 200
        assert client.get(f"/s/{slug}/pupils/{other.pk}/").status_code == 404
        api = api_as(school_a.people[role])
        rows = api.get(f"/api/v1/schools/{slug}/pupils/").json()["results"]
        assert [r["upn"] for r in rows] == [taught.upn]
        assert api.get(f"/api/v1/schools/{slug}/pupils/{other.pk}/").status_code == 404

    @pytest.mark.parametrize("role", ["senco", "head"])
    def test_whole_school_roles_see_everyone(self, role, school_a, api_as):
        rows = api_as(school_a.people[role]).get(
            f"/api/v1/schools/{school_a.school.slug}/pupils/"
        ).json()["results"]
        assert {r["upn"] for r in rows} == {p.upn for p in school_a.pupils}

    def test_a_parent_with_children_at_two_schools_sees_each_child_in_its_school(
        self, school_a, school_b, as_user
    ):
        from apps.schools.models import Membership
        from tests.factories import ParentLinkFactory

        parent = school_a.parent
        Membership.objects.create(user=parent, school=school_b.school, role="parent")
        ParentLinkFactory(pupil=school_b.pupils[1], parent=parent)
        client = as_user(parent)
        assert client.get("/")["Location"] == "/parent/"  # parents start with their children
        portal = client.get("/parent/").content.decode()
        assert school_a.pupils[0].full_name in portal and school_b.pupils[1].full_name in portal
        assert school_a.pupils[1].full_name not in portal
        page_a = client.get(f"/s/{school_a.school.slug}/pupils/").content.decode()
        page_b = client.get(f"/s/{school_b.school.slug}/pupils/").content.decode()
        assert school_a.pupils[0].upn in page_a and school_b.pupils[1].upn not in page_a
        assert school_b.pupils[1].upn in page_b and school_b.pupils[0].upn not in page_b

    @pytest.mark.parametrize("role", ["teacher", "ta", "parent", "head"])
    def test_only_the_senco_changes_the_register(self, role, school_a, as_user, api_as):
        slug, pupil = school_a.school.slug, school_a.pupil
        client = as_user(school_a.people[role])
        assert client.get(f"/s/{slug}/pupils/new/").status_code == 403
        assert client.get(f"/s/{slug}/pupils/{pupil.pk}/edit/").status_code == 403
        api = api_as(school_a.people[role])
        response = api.patch(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/",
                             {"first_name": "Changed"}, format="json")
        assert response.status_code == 403
        response = api.post(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/sen-status/",
                            {"status": "N", "on": "2025-01-01", "reason": "x"}, format="json")
        assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_refuses_them(school_a, client,
                                                                          api):
    response = client.get(f"/s/{school_a.school.slug}/pupils/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    response = client.get("/s/no-such-school/pupils/")
    assert response.status_code == 302  # the same answer: existence is not revealed
    response = api.get(f"/api/v1/schools/{school_a.school.slug}/pupils/")
    assert response.status_code in (401, 403)
    assert school_a.pupil.upn not in response.content.decode()
