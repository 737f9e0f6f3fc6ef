"""A request too large is a 413 and a database out of reach a 503: never a 500, always in
the API's one error shape under /api/, and nothing saved."""

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from apps.caseload import selectors as caseload
from apps.plans.models import ProvisionType
from apps.schools.models import School
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def one_error(answer, status, code):
    assert answer.status_code == status, answer.content[:300]
    body = answer.json()
    assert body["type"] == ("client_error" if status < 500 else "server_error")
    assert [(e["code"], e["attr"]) for e in body["errors"]] == [(code, None)]
    return body["errors"][0]["detail"]


def test_a_30_mb_json_body_is_a_413_and_creates_nothing(school_a, api_as):
    api = api_as(school_a.senco)
    answer = api.post(f"/api/v1/schools/{school_a.school.slug}/provision-types/",
                      {"name": "Talk Boost", "need_area": "communication",
                       "details": "x" * (30 * MB)}, format="json")
    assert "larger than the 12 MB" in one_error(answer, 413, "request_too_large")
    with school_scope(school_a.school):
        assert not ProvisionType.objects.filter(name="Talk Boost").exists()


def test_a_page_sent_more_than_it_takes_answers_413(school_a, as_user):
    page = as_user(school_a.senco).post(f"/s/{school_a.school.slug}/settings/",
                                        {"name": "x" * (13 * MB)})
    assert page.status_code == 413
    assert "too large" in page.content.decode() and "Nothing has been saved" in \
        page.content.decode()
    assert School.objects.get(pk=school_a.school.pk).name == school_a.school.name


def test_a_body_found_too_large_while_read_is_a_413(school_a, as_user, api_as, settings):
    """No Content-Length over the limit, but more form data than Django reads into
    memory: found while the body is read."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    page = as_user(school_a.senco).post(f"/s/{school_a.school.slug}/settings/",
                                        {"name": "x" * 2000})
    assert page.status_code == 413
    api = api_as(school_a.senco)
    answer = api.post(f"/api/v1/schools/{school_a.school.slug}/provision-types/",
                      {"name": "Talk Boost", "details": "x" * 2000}, format="multipart")
    one_error(answer, 413, "request_too_large")


@pytest.fixture
def database_gone(monkeypatch):
    """The connection drops while the register is being read."""
    def dropped(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(caseload, "register", dropped)


def test_a_dropped_database_connection_is_a_503_in_the_api(school_a, database_gone):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(school_a.senco)
    answer = api.get(f"/api/v1/schools/{school_a.school.slug}/pupils/")
    assert "cannot reach its database" in one_error(answer, 503, "service_unavailable")
    assert answer["Retry-After"] == "30"


def test_a_dropped_database_connection_is_a_503_page(school_a, database_gone):
    client = Client(raise_request_exception=False)
    client.force_login(school_a.teacher)
    page = client.get(f"/s/{school_a.school.slug}/pupils/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "unavailable for a moment" in page.content.decode()


def test_other_errors_escaping_a_view_stay_500_in_the_apis_shape(school_a, monkeypatch):
    monkeypatch.setattr(caseload, "register", lambda *a, **k: 1 / 0)
    client = Client(raise_request_exception=False)
    client.force_login(school_a.teacher)
    assert client.get(f"/s/{school_a.school.slug}/pupils/").status_code == 500


def test_the_schema_documents_409_413_and_503(school_a, api_as):
    schema = api_as(school_a.senco).get("/api/v1/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/schools/{school}/money/top-ups/"]["post"]["responses"]
    listing = schema["paths"]["/api/v1/schools/{school}/money/top-ups/"]["get"]["responses"]
    assert {"409", "413", "503"} <= set(create) and "503" in listing
    assert not {"409", "413"} & set(listing)


@pytest.mark.django_db(transaction=True)
def test_a_database_connection_cut_mid_request_is_a_503(school_a, postgres, monkeypatch):
    """On PostgreSQL, the server really ends the request's connection (as a restart or a
    failover would) between two of its queries: the answer is a 503, and the next request,
    on a new connection, is served."""
    import psycopg

    register = caseload.register
    options = {key: value for key, value in postgres.get_connection_params().items()
               if key not in ("cursor_factory", "context")}

    def cut_then_read(*args, **kwargs):
        with psycopg.connect(**options, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [postgres.connection.info.backend_pid])
        return register(*args, **kwargs)

    monkeypatch.setattr(caseload, "register", cut_then_read)
    client = Client(raise_request_exception=False)
    client.force_login(school_a.teacher)
    page = client.get(f"/s/{school_a.school.slug}/pupils/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    postgres.close()
    monkeypatch.setattr(caseload, "register", register)
    assert client.get(f"/s/{school_a.school.slug}/pupils/").status_code == 200
