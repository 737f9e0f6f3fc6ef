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
def test_pages_send_a_content_security_policy_without_inline_script(client, school_a):
    client.force_login(school_a.senco)
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
