from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

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
