"""Hostile input: the API fuzzed from its own OpenAPI schema with schemathesis, bounded in
examples. No 5xx, every response (errors too) conforms to the schema, every error has the
one shape."""

import json
import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.wsgi import application


def the_schema():
    """The document /api/v1/schema/ serves to a signed-in caller, generated here (no
    database yet at collection), and called on the WSGI application."""
    generated = SchemaGenerator(api_version="1").get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app, loaded.location = application, "/api/v1/schema/"
    return loaded


schema = the_schema()

# The checks asked for: no server error, documented status codes and content types, and
# bodies — errors included — that match the schema (backend/openapi.py makes the error
# components describe errors as sent); every error is also held to the project's one shape
# below. (Acceptance of schema-valid input is not asked: a valid request can still be
# refused by a rule, such as a wrong password or another school's id.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Per operation: enough to find crashes, small enough for every CI run. A deeper run:
# FUZZ_EXAMPLES=25 .venv/bin/pytest tests/test_fuzz.py
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 4))


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: requests made straight to the WSGI app must not close
    the test's database connection (and with it its transaction) when they finish."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def senco_token(school_a):
    from rest_framework.authtoken.models import Token

    from .conftest import plan_records

    plan_records(school_a)  # one record of every kind to aim at
    return school_a.school.slug, Token.objects.create(user=school_a.senco).key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_survives_hostile_input(case, senco_token):
    slug, token = senco_token
    if "school" in (case.path_parameters or {}):
        case.path_parameters["school"] = slug
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        body = response.json()
        assert set(body) == {"type", "errors"}, body
        assert all(set(e) == {"code", "detail", "attr"} for e in body["errors"]), body
    case.validate_response(response, checks=CHECKS)
