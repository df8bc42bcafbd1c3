"""Two-factor authentication (issue 9): TOTP with QR enrolment and backup codes (django-otp), required for the roles
a facility configures (default: admin, privacy officer, management)."""

from __future__ import annotations


class TwoFactorRequiredMiddleware:
    """Sends a logged-in user who must use two factors, or has enrolled a device, to enrolment / verification first
    (stub: filled by the two-factor part)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
