"""Test logins of users who must use two factors: a real TOTP device and a session verified with it (django-otp's
session key), so pages behind the two-factor requirement answer as for a user who typed the code."""

from __future__ import annotations


def mark_verified(client, user) -> None:
    """Filled by the two-factor part (a no-op until then)."""
