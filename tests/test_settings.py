"""Configuration comes from the environment, with a safe embedded default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_settings(env: dict, *expressions: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment."""
    code = "import django; from django.conf import settings as s; django.setup(); " + "; ".join(
        f"print({e})" for e in expressions
    )
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env=clean | {"DJANGO_SETTINGS_MODULE": "backend.settings"} | env, timeout=60,
    )


def test_without_a_secret_key_outside_debug_start_up_stops_with_a_clear_error():
    result = django_settings({}, "1")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_outside_debug_e_mail_printed_to_the_console_is_refused_unless_asked_for(tmp_path):
    result = django_settings({"SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path)}, "1")
    assert result.returncode != 0
    assert "EMAIL_HOST is not set, so e-mail would only be printed" in result.stderr


def test_with_nothing_else_set_it_uses_sqlite_under_var_eager_tasks_and_the_console(tmp_path):
    result = django_settings(
        {"SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path), "ALLOW_CONSOLE_EMAIL": "1"},
        "s.DEBUG",
        "s.DATABASES['default']['ENGINE']",
        "s.DATABASES['default']['NAME']",
        "s.CELERY_TASK_ALWAYS_EAGER",
        "s.MAILERS['default']['BACKEND']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        str(tmp_path / "db.sqlite3"),
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_database_url_and_a_broker_switch_to_postgresql_and_a_real_worker(tmp_path):
    result = django_settings(
        {"SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path),
         "DATABASE_URL": "postgres://app@db.internal:5432/sen", "DATABASE_APP_ROLE": "app",
         "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
         "EMAIL_HOST": "smtp.internal"},
        "s.DATABASES['default']['ENGINE']",
        "s.DATABASES['default']['HOST']",
        "s.CELERY_TASK_ALWAYS_EAGER",
        "s.CELERY_BROKER_URL",
        "s.MAILERS['default']['OPTIONS']['host']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "db.internal", "False",
        "redis://cache.internal:6379/0", "smtp.internal",
    ]


def test_debug_is_only_on_when_asked(tmp_path):
    result = django_settings({"DEBUG": "1", "VAR_DIR": str(tmp_path)}, "s.DEBUG")
    assert result.stdout.split() == ["True"]
    result = django_settings({"DEBUG": "maybe", "VAR_DIR": str(tmp_path)}, "s.DEBUG")
    assert result.returncode != 0 and "DEBUG must be a yes/no value" in result.stderr


def test_the_database_is_configured_as_django_configures_it(tmp_path):
    """The planner's costs and the binding of parameters are the PostgreSQL server's
    business (docs/operating.md), so the application adds no options of its own."""
    env = {"SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path), "ALLOW_CONSOLE_EMAIL": "1",
           "DATABASE_URL": "postgres://app@db.internal:5432/sen", "DATABASE_APP_ROLE": "app"}
    result = django_settings(env, "s.DATABASES['default'].get('OPTIONS', {})")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{}"


def test_on_postgresql_the_application_role_must_be_named(tmp_path):
    """Row-level security binds the role the application signs in as: without its name,
    start-up stops rather than run with the wall in the wrong place."""
    env = {"SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path), "ALLOW_CONSOLE_EMAIL": "1",
           "DATABASE_URL": "postgres://app@db.internal:5432/sen"}
    result = django_settings(env, "1")
    assert result.returncode != 0 and "DATABASE_APP_ROLE names the role" in result.stderr
