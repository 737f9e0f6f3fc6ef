"""The production server: /healthz, the request id and structured log lines, and gunicorn
itself with threaded workers, started as `make serve` starts it."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from pythonjsonlogger.json import JsonFormatter

from backend import health

from .conftest import broker_at

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_says_the_database_answers_and_nothing_else(client, db):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "broker": "not used"}
    assert answer["Cache-Control"] == "no-store"


def test_healthz_answers_a_probe_by_address_without_a_redirect(client, db, settings):
    """A load balancer probes by address and over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    answer = client.get("/healthz", HTTP_HOST="10.1.2.3")
    assert answer.status_code == 200
    assert client.get("/accounts/sign-in/", HTTP_HOST="10.1.2.3").status_code == 400


def test_healthz_is_503_when_the_broker_is_unreachable(client, db):
    with broker_at("redis://127.0.0.1:9/0"):  # the discard port: nothing answers
        started = time.monotonic()
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "ok",
                             "broker": "unavailable"}
    assert time.monotonic() - started < 3 * health.BROKER_SECONDS


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    class Unreachable:
        def ensure_connection(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "unavailable"


def test_each_request_has_an_id_and_one_structured_log_line(client, db, school_a, caplog):
    client.force_login(school_a.teacher)
    with caplog.at_level(logging.INFO, logger="graduated.request"):
        answer = client.get(f"/s/{school_a.school.slug}/pupils/", {"q": "Smith"},
                            HTTP_X_REQUEST_ID="from-the-proxy-123")
    assert answer["X-Request-ID"] == "from-the-proxy-123"
    (record,) = [r for r in caplog.records if r.name == "graduated.request"]
    assert (record.method, record.path, record.status) == (
        "GET", f"/s/{school_a.school.slug}/pupils/", 200)  # no query string: it holds names
    assert (record.user_id, record.school) == (school_a.teacher.pk, school_a.school.slug)
    line = json.loads(JsonFormatter(**{
        key: value for key, value in settings.LOGGING["formatters"]["json"].items()
        if key != "()"}).format(record))
    assert line["level"] == "INFO" and line["status"] == 200
    assert line["request_id"] == "from-the-proxy-123" and line["duration_ms"] >= 0

    made_up = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert "X-Request-ID" not in made_up  # /healthz is answered before the log
    other = client.get("/accounts/sign-in/", HTTP_X_REQUEST_ID="bad id <script>")
    assert len(other["X-Request-ID"]) == 32 and "<" not in other["X-Request-ID"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


@contextmanager
def gunicorn(tmp_path):
    """gunicorn with the project's config (backend/gunicorn.py), one process, on SQLite;
    stopped with TERM at the end. Yields the base address, the port and the process
    (standard error merged into its output)."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "VAR_DIR": str(tmp_path),
           "SECRET_KEY": "a-key-for-this-test-only-0123456789abcdefghijklmnopqrstuvwxyz",
           "ALLOWED_HOSTS": "127.0.0.1", "ALLOW_HTTP": "1", "CELERY_BROKER_URL": "",
           "LOG_FORMAT": "json"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "backend/gunicorn.py"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if get(f"{base}/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer /healthz")
        yield base, port, server
    finally:
        server.terminate()
        server.output = server.communicate(timeout=30)[0].decode()


def test_gunicorn_serves_while_slow_clients_hold_connections(tmp_path):
    """Four clients that send a request's first lines and never finish it each hold a
    thread, not the process: the server still answers."""
    with gunicorn(tmp_path) as (base, port, _):
        slow = []
        for _ in range(4):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /accounts/sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(s)
        try:
            time.sleep(0.5)
            started = time.monotonic()
            status, body = get(f"{base}/healthz")
            assert status == 200 and json.loads(body)["database"] == "ok"
            assert time.monotonic() - started < 5
        finally:
            for s in slow:
                s.close()


def test_gunicorn_stops_cleanly_having_logged_only_json_lines(tmp_path):
    with gunicorn(tmp_path) as (base, _, server):
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{base}/no-such-page/")
        assert refused.value.code == 404
    assert server.returncode == 0
    lines = [json.loads(line) for line in server.output.splitlines() if line.strip()]
    assert any(line.get("path") == "/no-such-page/" and line.get("status") == 404
               for line in lines)
    assert any(line.get("logger") == "gunicorn.error" and "gthread" in line["message"]
               for line in lines)
