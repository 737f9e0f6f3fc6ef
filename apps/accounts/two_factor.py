"""Two-step verification: a password, then a six-digit code from an authenticator app
(TOTP, RFC 6238, through django-otp).

Who must use it: anyone whose role lets them see every pupil's record in a school — the
SENCO, the headteacher and the trust SEND lead (``schools.roles.SECOND_FACTOR``). The DfE's
cyber security standards for schools expect multi-factor authentication for staff who can
reach sensitive personal data. Anyone else may turn it on, and once it is on it is asked
for every time they sign in.

A code is accepted once only (django-otp remembers the last time step used) and repeated
wrong codes make the next try wait, doubling each time (``OTP_TOTP_THROTTLE_FACTOR``).
"""

from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.schools.roles import SECOND_FACTOR

DEVICE_NAME = "Authenticator app"


def is_required(user) -> bool:
    """Must this person use a second step? (The SENCO, head and trust lead.)"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(role__in=SECOND_FACTOR).exists()


def is_on(user) -> bool:
    """Has this person a confirmed authenticator app?"""
    return user_has_device(user, confirmed=True)


def is_needed(user) -> bool:
    """Must this session prove a second step before it may see anything?"""
    return user.is_authenticated and not user.is_verified() and (
        is_required(user) or is_on(user))


@dataclass(frozen=True)
class NewApp:
    """What someone needs to add this service to an authenticator app."""

    device: TOTPDevice

    @property
    def setup_key(self) -> str:
        """The secret in base 32, in groups of four, for typing into an app by hand."""
        key = b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(key[i:i + 4] for i in range(0, len(key), 4))

    @property
    def qr_code(self) -> str:
        """The otpauth:// address as a QR code, an SVG data URI for an <img>."""
        return segno.make(self.device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def start_set_up(*, user) -> NewApp:
    """An unconfirmed app for this person (the same one until it is confirmed, so reloading
    the page does not change the QR code they have just scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return NewApp(device)


class CodeRefused(Exception):
    """A wrong, reused or too-early code. The message says what to do."""


def _check(device: TOTPDevice, code: str) -> None:
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        raise CodeRefused(_wait_message(device))
    if not device.verify_token(code):
        raise CodeRefused("Enter the 6-digit code shown in your authenticator app now. "
                          "Each code works once and lasts 30 seconds.")


def _wait_message(device) -> str:
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    until = device.throttling_failure_timestamp + timedelta(seconds=delay)
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    return (f"There have been too many wrong codes. Wait {seconds} seconds, then enter the "
            "code shown in your authenticator app.")


@transaction.atomic
def confirm(*, user, code: str) -> TOTPDevice:
    """Turn two-step verification on: the first code from the newly added app proves it
    was added correctly. Any earlier app stops working."""
    device = (TOTPDevice.objects.select_for_update()
              .filter(user=user, confirmed=False).order_by("pk").first())
    if device is None:
        raise CodeRefused("Start again: the set-up has expired.")
    _check(device, code)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify(*, user, code: str) -> TOTPDevice:
    """The second step of signing in. Returns the app that matched."""
    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is None:
        raise CodeRefused("Set up two-step verification first.")
    _check(device, code)
    return device


@transaction.atomic
def turn_off(*, user) -> None:
    """Remove this person's authenticator app. Refused where the role requires one."""
    if is_required(user):
        raise CodeRefused("Your role needs two-step verification, so it cannot be turned off. "
                          "To move to a new phone, set up the new app instead.")
    TOTPDevice.objects.filter(user=user).delete()
