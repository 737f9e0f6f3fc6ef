"""The API's contract: an OpenAPI 3 schema, token and session sign-in, one error shape."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid_and_complete(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "openapi: 3" in text
    for path in ["/api/v1/schools/{school}/pupils/", "/api/v1/schools/{school}/pupils/{id}/",
                 "/api/v1/schools/{school}/pupils/{id}/sen-status/"]:
        assert path in text


def test_interactive_docs_are_served_from_our_own_static_files(client, school_a, as_user):
    as_user(school_a.senco)
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger" in page.lower()
    assert "cdn" not in page.lower()


def test_a_token_signs_in_to_the_api(api, school_a):
    from .factories import PASSWORD
    from .two_factor import app_for, code_for

    response = api.post("/api/v1/auth/token/",
                        {"username": school_a.senco.email, "password": PASSWORD,
                         "otp_token": code_for(app_for(school_a.senco))})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(f"/api/v1/schools/{school_a.school.slug}/pupils/").status_code == 200


@pytest.mark.parametrize("status,make", [
    (404, lambda api, w: api.get("/api/v1/schools/nowhere/pupils/")),
    (400, lambda api, w: api.post(f"/api/v1/schools/{w.school.slug}/pupils/", {},
                                  format="json")),
    (405, lambda api, w: api.delete(f"/api/v1/schools/{w.school.slug}/pupils/{w.pupil.pk}/")),
    (403, lambda api, w: api.post(f"/api/v1/schools/{w.school.slug}/pupils/", {},
                                  format="json")),
])
def test_every_error_has_the_same_shape(status, make, school_a, api_as):
    user = school_a.teacher if status == 403 else school_a.senco
    response = make(api_as(user), school_a)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert all(set(e) == {"code", "detail", "attr"} for e in body["errors"])


def test_pages_are_limited_to_a_hard_maximum(school_a, api_as):
    response = api_as(school_a.senco).get(
        f"/api/v1/schools/{school_a.school.slug}/pupils/", {"limit": 100000})
    assert response.status_code == 200
    assert "limit=200" in (response.json()["next"] or "limit=200")
