"""Pages of two-factor authentication: the account's security page, enrolment, verification, backup codes.

Backup codes are shown once, in the answer to the POST that made them; they are stored only as django-otp keeps
them and never put into the session or a log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staff import services_two_factor as services
from staff.forms import EnrolForm, VerifyForm
from staff.two_factor import backup_device, confirmed_totp_device, state_of


def _next(request: HttpRequest) -> str:
    """Where to go once the session is verified: a local address from ?next= / the form, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    state = state_of(request)
    backups = backup_device(request.user)
    context = {
        "device": confirmed_totp_device(request.user),
        "backup_codes_left": backups.token_set.count() if backups else 0,
        "required": state.required,
    }
    return render(request, "staff/account_security.html", context)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    state = state_of(request)
    if state.has_device:
        # enrolled already: an unverified session confirms a code first, a verified one manages it on its page
        return redirect("account:two-factor-verify" if not state.verified else "account:security")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = services.two_factor_enrol(request=request, code=form.cleaned_data["code"])
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            return _backup_codes_page(request, enrolled.backup_codes, enrolled=True)
    device = services.enrolment_device(user=request.user)
    context = {
        "form": form,
        "qr_svg": services.qr_code_svg(device),
        "secret": services.secret_base32(device),
        "required": state.required,
        "next": _next(request),
    }
    return render(request, "staff/two_factor_enrol.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    state = state_of(request)
    if state.verified:
        return redirect(_next(request))
    if not state.has_device:
        return redirect("account:two-factor-enrol" if state.required else "account:security")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_verify(request=request, code=form.cleaned_data["code"], kind=form.kind)
        except services.TwoFactorError as error:
            form.add_error("code", error.message)
        else:
            return redirect(_next(request))
    return render(request, "staff/two_factor_verify.html", {"form": form, "next": _next(request)})


@require_POST
@login_required
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.backup_codes_regenerate(user=request.user)
    except services.TwoFactorError as error:
        messages.error(request, error.message)
        return redirect("account:security")
    return _backup_codes_page(request, codes, enrolled=False)


@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    try:
        services.two_factor_remove(request=request)
    except services.TwoFactorError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Two-factor authentication is turned off for your account."))
    return redirect("account:security")


def _backup_codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    context = {"codes": codes, "enrolled": enrolled, "next": _next(request)}
    response = render(request, "staff/backup_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response
