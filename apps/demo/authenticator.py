"""The demo's authenticator app: one published key for every demo account whose role needs
two-step verification, so that anyone trying the demo can add it to their own app, or ask
``manage.py demo_code`` for the current code. Never use it for a real account: the key is
in the README."""

from base64 import b32encode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_KEY = b"graduated-demo-2026!"  # 20 bytes, as RFC 6238 suggests for SHA-1
DEMO_APP = "Demo authenticator app"


def setup_key() -> str:
    return b32encode(DEMO_KEY).decode()


def give_demo_app(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_APP, defaults={"key": DEMO_KEY.hex(), "confirmed": True})
    return device


def current_code() -> str:
    return f"{TOTP(DEMO_KEY).token():06d}"
