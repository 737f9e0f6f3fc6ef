"""One structured log line per request, and a request id that ties it to the others.

The id comes from the proxy's ``X-Request-ID`` when it sends one (a short token), or is
made here; it goes back in the response header and on every log record written while the
request runs (``RequestIdFilter``), so a support question ("it failed at 10:32") finds
every line of that request. The line names the method, the path without its query string
(a search may hold a child's name), the status, the time taken, the user's id and the
school's slug: never a name, an e-mail address or a form's contents."""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty

logger = logging.getLogger("graduated.request")
request_id = contextvars.ContextVar("request_id", default="")
FROM_PROXY = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


def user_id(request) -> int | None:
    """The signed-in user's id, if the request has already looked them up (a lazy user
    not read by the view is left unread: logging adds no query)."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)
    if user is None or user is empty or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        token = request_id.set(given if FROM_PROXY.match(given) else uuid.uuid4().hex)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            match = getattr(request, "resolver_match", None)
            logger.info("request", extra={
                "method": request.method, "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user_id(request),
                "school": (match.kwargs.get("school") if match else None),
            })
            return response
        finally:
            request_id.reset(token)
