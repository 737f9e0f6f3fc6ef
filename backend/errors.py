"""What the service answers when a request cannot be served, in the API's error shape
under /api/ and as a page elsewhere:

- 413 for a request larger than the service takes (``MAX_REQUEST_BYTES``: refused from
  its Content-Length before it is read, or when reading it finds it too large);
- 503 when the database cannot be reached or the connection drops mid-request (try
  again shortly; the request's transaction was rolled back);
- 500 for anything else unexpected.

Django's handlers (``handler400`` and ``handler500`` in backend/urls.py) serve pages and
whatever escapes a view; DRF's exception handler (``ApiExceptionHandler``) the API's own
views. The pages are plain HTML that needs no database."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(f"The request is larger than the {too_large_in_words()} the "
                         "service takes.")


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "service_unavailable"
    default_detail = "The service cannot reach its database just now. Try again shortly."
    wait = RETRY_AFTER_SECONDS  # sent as Retry-After


def too_large_in_words() -> str:
    return f"{settings.MAX_REQUEST_BYTES // (1024 * 1024)} MB"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def refusal(request, status: int, code: str, detail: str, template: str):
    if is_api(request):
        kind = "client_error" if status < 500 else "server_error"
        response = JsonResponse({"type": kind, "errors": [
            {"code": code, "detail": detail, "attr": None}]}, status=status)
    else:
        response = HttpResponse(loader.render_to_string(template), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_large(request):
    return refusal(request, 413, "request_too_large", RequestTooLarge().detail, "413.html")


class RequestSizeMiddleware:
    """Refuse a request whose Content-Length is over the limit before reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def bad_request(request, exception):
    """handler400: a request Django refused as malformed; too large is 413."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return refusal(request, 400, "bad_request", "The request could not be understood.",
                   "400.html")


def server_error(request):
    """handler500, called while the exception is being handled (so it is in hand)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return refusal(request, 503, "service_unavailable", ServiceUnavailable.default_detail,
                       "503.html")
    return refusal(request, 500, "error", "A server error occurred.", "500.html")


class ApiExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler, with a request too large and the database out of
    reach given their own answers instead of 500."""

    def convert_known_exceptions(self, exc):
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return ServiceUnavailable()
        return super().convert_known_exceptions(exc)
