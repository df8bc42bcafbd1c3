"""Two-factor authentication (issue 9): TOTP with QR enrolment and backup codes (django-otp), required for the roles
a facility configures (default: admin, privacy officer, management), optional for everyone else.

This module holds the rule (pure), the two reads the middleware needs, and the middleware itself. Writes live in
``staff.services_two_factor``, pages in ``staff.views_two_factor``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# --- the rule ------------------------------------------------------------------------------------------------------


def two_factor_required_for(role: str, facility_roles: Iterable[list[str]], default_roles: Iterable[str]) -> bool:
    """True when ``role`` must use two factors: any of the person's facilities lists the role; a person in no
    facility follows the settings default (``TWO_FACTOR_DEFAULT_ROLES``)."""
    lists = list(facility_roles)
    if not lists:
        return role in default_roles
    return any(role in (roles or []) for roles in lists)


# --- reads ---------------------------------------------------------------------------------------------------------


def two_factor_required(user) -> bool:
    """Whether ``user`` must use two factors (one query: the roles of the person's facilities)."""
    if not user.is_authenticated:
        return False
    lists = user.facilities.values_list("two_factor_roles", flat=True)
    return two_factor_required_for(user.role, lists, settings.TWO_FACTOR_DEFAULT_ROLES)


def confirmed_totp_device(user) -> TOTPDevice | None:
    """The person's authenticator app, if enrolled (one query)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user) -> bool:
    """An enrolled authenticator app (backup codes alone are never a second factor without one)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


# --- the middleware ------------------------------------------------------------------------------------------------


class TwoFactorState:
    """What the middleware and the pages need about the current person, each read at most once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def verified(self) -> bool:
        return bool(self.user.is_verified())

    @cached_property
    def has_device(self) -> bool:
        return has_confirmed_device(self.user)

    @cached_property
    def required(self) -> bool:
        return two_factor_required(self.user)


# A person for whom two factors are optional and who has not enrolled is not read again for a few minutes: the
# answer rides in the session (saved on every request anyway), so their pages cost no query for it. Enrolling in
# this session clears it; a facility's new list or a device enrolled elsewhere counts from the next read.
OPTIONAL_KEY = "two_factor_optional_until"
OPTIONAL_SECONDS = 300


def optional_and_off(request: HttpRequest) -> bool:
    until = request.session.get(OPTIONAL_KEY)
    return isinstance(until, (int, float)) and time.time() < until


def remember_optional_and_off(session) -> None:
    session[OPTIONAL_KEY] = time.time() + OPTIONAL_SECONDS


def forget_optional(session) -> None:
    session.pop(OPTIONAL_KEY, None)


def state_of(request: HttpRequest) -> TwoFactorState:
    state = getattr(request, "two_factor", None)
    if state is None:
        state = request.two_factor = TwoFactorState(request.user)
    return state


class TwoFactorRequiredMiddleware:
    """Sends a logged-in person whose session is not verified with a second factor to verification (an enrolled
    device) or to enrolment (a role that must use two factors), before any page answers.

    Pages of the login flow itself stay reachable (enrolment, verification, login, logout, language switch,
    healthz, static files, the patients' link pages under /p/). The API answers 403 with a JSON message, htmx
    requests get an ``HX-Redirect``. At most three queries beyond django-otp's own device lookup: the device, the
    facilities' roles, nothing per row of anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> frozenset[str]:
        names = ("login", "logout", "set_language", "healthz", "account:two-factor-enrol", "account:two-factor-verify")
        return frozenset(reverse(name) for name in names)

    @cached_property
    def exempt_prefixes(self) -> tuple[str, ...]:
        return tuple(prefix for prefix in (settings.STATIC_URL, "/p/", "/favicon") if prefix)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.is_exempt(request.path_info) or not request.user.is_authenticated:
            return self.get_response(request)
        if optional_and_off(request):
            return self.get_response(request)
        state = state_of(request)
        if state.verified:
            return self.get_response(request)
        if not state.has_device and not state.required:
            remember_optional_and_off(request.session)
            return self.get_response(request)
        if state.has_device:
            return self.refuse(
                request, "account:two-factor-verify", _("Confirm this login with a one-time code first.")
            )
        # no device, and (the branch above) two factors are required for this person
        return self.refuse(
            request, "account:two-factor-enrol", _("Your role must use two-factor authentication: set it up first.")
        )

    def is_exempt(self, path: str) -> bool:
        return path in self.exempt_paths or path.startswith(self.exempt_prefixes)

    def refuse(self, request: HttpRequest, page: str, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": "two_factor_required", "url": reverse(page)},
                status=403,
            )
        target = reverse(page)
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(target)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
