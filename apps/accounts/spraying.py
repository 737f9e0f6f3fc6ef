"""Password spraying: one address trying a few passwords against many accounts.

django-axes locks an account out after repeated failures from one address, but a spray
tries each account once or twice and never reaches that. This backend, first among the
authentication backends, counts the accounts that failed to sign in from the address
within axes's cool-off (from axes's own records, shared by every web process) and, from
``rules.SPRAY_ACCOUNTS`` of them, refuses every sign-in from that address until the
cool-off has passed, the right password included: the same answer as a locked account."""

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .rules import SPRAY_ACCOUNTS


def spraying_from(address: str | None) -> bool:
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    accounts = (AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
                .values("username").distinct().count())
    return accounts >= SPRAY_ACCOUNTS


class RefuseSprayingAddresses:
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and spraying_from(get_client_ip_address(request)):
            request.axes_locked_out = True  # answered as a lockout (axes's middleware)
            raise PermissionDenied("Too many accounts tried from this address.")
        return None  # no opinion: the next backend decides (it signs nobody in itself)
