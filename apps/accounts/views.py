import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ErrorDetail, Throttled

from . import services, two_factor
from .forms import CodeForm


@login_required
def account(request):
    return render(request, "accounts/account.html", {
        "two_factor_on": two_factor.is_on(request.user),
        "two_factor_required": two_factor.is_required(request.user),
    })


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


def _go_to(page: str, request):
    return redirect(f"{reverse(page)}?{urlencode({'next': _next(request)})}")


def _signed_in_with(request, device):
    """The second step is done: a new session key (so a key seen before the code was
    entered is worth nothing) that remembers the app used."""
    request.session.cycle_key()
    django_otp.login(request, device)


def _take_code(request, check):
    """The code form and, once ``check`` (verify or confirm) accepts a code, the app it
    proved, with the session marked as having taken both steps."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = check(user=request.user, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            _signed_in_with(request, device)
            return form, device
    return form, None


@login_required
def two_factor_verify(request):
    """The second step of signing in: the code from the person's authenticator app."""
    if not two_factor.is_on(request.user):
        return _go_to("accounts:two_factor_set_up", request)
    form, device = _take_code(request, two_factor.verify)
    if device:
        return redirect(_next(request))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)})


@login_required
def two_factor_set_up(request):
    """Add this service to an authenticator app (or move it to a new one): scan the QR
    code, then enter the first code to prove it worked. Someone who has an app already
    must have proved it in this session before replacing it."""
    if two_factor.is_needed(request.user) and two_factor.is_on(request.user):
        return _go_to("accounts:two_factor", request)
    new_app = two_factor.start_set_up(user=request.user)
    form, device = _take_code(request, two_factor.confirm)
    if device:
        messages.success(request, "Two-step verification is on. You will be asked for a "
                         "code from your authenticator app each time you sign in.")
        return redirect(_next(request))
    return render(request, "accounts/two_factor_set_up.html", {
        "form": form, "new_app": new_app, "next": _next(request),
        "required": two_factor.is_required(request.user)})


@require_POST
@login_required
def two_factor_off(request):
    try:
        two_factor.turn_off(user=request.user)
    except two_factor.CodeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Two-step verification is off.")
    return redirect("accounts:account")


@require_POST
@login_required
def sign_out_everywhere(request):
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:login")


# What templates/accounts/locked_out.html says, for the API.
LOCKED_OUT = ("Too many attempts to sign in: signing in to this account from this device "
              "is paused for 15 minutes.")


class TokenSerializer(AuthTokenSerializer):
    """DRF's, with a refused sign-in reported under the documented "invalid" code, and the
    code from an authenticator app for everyone who signs in with two steps."""

    otp_token = serializers.CharField(
        label="Code from your authenticator app", required=False, write_only=True,
        help_text="Required for the SENCO, head and trust lead, and for anyone who has "
        "turned two-step verification on.")

    def validate(self, attrs):
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError:
            if getattr(self.context["request"], "axes_locked_out", False):
                raise Throttled(detail=LOCKED_OUT) from None  # as the sign-in page says
            raise serializers.ValidationError(
                "Enter a correct e-mail address and password.", code="invalid") from None
        user = attrs["user"]
        if two_factor.is_required(user) or two_factor.is_on(user):
            if not two_factor.is_on(user):
                raise serializers.ValidationError({"otp_token": ErrorDetail(
                    "Set up two-step verification by signing in on the website first.",
                    code="invalid")})
            try:
                two_factor.verify(user=user, code=attrs.get("otp_token", ""))
            except two_factor.CodeRefused as refused:
                raise serializers.ValidationError({"otp_token": ErrorDetail(
                    str(refused), code="invalid")}) from None
        return attrs


class ObtainToken(ObtainAuthToken):
    """POST an e-mail address (as ``username``) and password for an API token. Repeated
    failures are locked out like the sign-in page."""

    serializer_class = TokenSerializer
    locks_out = True  # a locked account or address answers 429 (backend/openapi.py)
