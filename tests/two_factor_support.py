"""Test logins of users who must use two factors: a real TOTP device and a session verified with it (django-otp's
session key), so pages behind the two-factor requirement answer as for a user who typed the code."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def mark_verified(client, user) -> None:
    """For a user whose role must use two factors: a confirmed authenticator device, and the client's session
    verified with it. Everyone else stays as they are (two factors are optional for them)."""
    from staff.two_factor import remember_optional_and_off, two_factor_required

    if not two_factor_required(user):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # as after the person's first page: optional and not enrolled, not read again for a few minutes
            session = client.session
            remember_optional_and_off(session)
            session.save()
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the person's app shows at ``at`` (now by default), computed from the device's key like the app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
