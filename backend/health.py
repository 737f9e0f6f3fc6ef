"""``/healthz``: whether this web process can reach the database and the broker.

For the load balancer or process supervisor, so it answers before anything else in the
middleware: no host check (a probe comes by address), no HTTPS redirect, no session, no
sign-in. It says which dependency is down and nothing else: no data, no versions. 200 when
both answer, 503 when either does not."""

from celery import current_app
from django.db import connection
from django.http import JsonResponse

PATH = "/healthz"
BROKER_SECONDS = 2


def database() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure is "unavailable", logged by the caller
        return "unavailable"
    return "ok"


def broker() -> str:
    """The broker answers a connection (Redis: a PING). Without one, tasks run in the web
    process and there is nothing to reach."""
    if current_app.conf.task_always_eager:
        return "not used"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_SECONDS)
    except Exception:  # noqa: BLE001
        return "unavailable"
    return "ok"


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        checks = {"database": database(), "broker": broker()}
        healthy = all(state in ("ok", "not used") for state in checks.values())
        response = JsonResponse({"status": "ok" if healthy else "unavailable", **checks},
                                status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
