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
    assert response.status_code in (400, 403, 429)  # refused, however it is phrased
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
