"""No page or API call for a signed-in person who still owes their second step."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# What a person may reach between their password and their code.
OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:two_factor",
                  "accounts:two_factor_set_up")


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a session that has not proved its second step is
    sent to enter a code (or to set up an app first); the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request):
        if (request.path in self.open_paths() or request.path.startswith(settings.STATIC_URL)
                or not two_factor.is_needed(request.user)):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"type": "client_error", "errors": [{
                "code": "permission_denied",
                "detail": "Finish signing in with the code from your authenticator app.",
                "attr": None}]}, status=403)
        page = ("accounts:two_factor" if two_factor.is_on(request.user)
                else "accounts:two_factor_set_up")
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
