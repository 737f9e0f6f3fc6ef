from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from . import services


@login_required
def account(request):
    return render(request, "accounts/account.html")


@require_POST
@login_required
def sign_out_everywhere(request):
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:login")


class TokenSerializer(AuthTokenSerializer):
    """DRF's, with a refused sign-in reported under the documented "invalid" code."""

    def validate(self, attrs):
        try:
            return super().validate(attrs)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                "Enter a correct e-mail address and password.", code="invalid") from None


class ObtainToken(ObtainAuthToken):
    """POST an e-mail address (as ``username``) and password for an API token. Repeated
    failures are locked out like the sign-in page."""

    serializer_class = TokenSerializer
