"""Authenticator apps for tests: a person's app, and the code it would show now."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_for(user) -> TOTPDevice:
    """The person's confirmed authenticator app, added if they have none. It accepts codes
    up to ten steps ahead, so that a test may sign in several times within 30 seconds
    (each code still works only once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True,
                                               tolerance=10)


def code_for(device: TOTPDevice) -> str:
    """The code the app shows: for the current time step, or the next one if this step's
    code has been used already (a code works once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    """Six digits the app would not show at any step it accepts now: a fixed "000000" is
    right by chance once in tens of thousands of runs with the tests' wide tolerance."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now, right = totp.t(), set()
    for step in range(now - device.tolerance - 1, now + device.tolerance + 2):
        totp.time = device.t0 + step * device.step
        right.add(f"{totp.token():0{device.digits}d}")
    return next(code for code in ("000000", "111111", "222222") if code not in right)


def prove_second_step(client, user) -> None:
    """Mark a signed-in test client's session as having entered a code."""
    device = app_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
