"""The patient's one-time link: public pages without login (issue 3, rec. 1.2).

``/p/`` takes the code typed from the letter, ``/p/<token>/`` resolves the link and shows the page of its purpose
(``LANDING_PAGES``; the screening questionnaire adds its purpose there). Any link that cannot be used — unknown,
used, expired, revoked — gets the same page with the same status, so the answer never tells whose link it was or
why it failed. Every response is rate-limited per client address, never cached and never indexed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from patients import services
from patients.errors import LinkInvalid
from patients.link_forms import LinkCodeForm, PreAdmissionForm
from patients.models import LinkPurpose, PatientLink

RATE_GROUP = "patients.link"
MAX_TOKEN_CHARS = 64


def _rate(group: str, request: HttpRequest) -> str:
    """Read at request time, so the setting can change without a restart of the decorator (and in tests)."""
    return settings.PATIENT_LINK_RATE


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public_link_page(view):
    """Public page of the patient link: GET/POST only, rate-limited per address (django-ratelimit raises
    Ratelimited, which its middleware turns into ``link_rate_limited``), no caching, no indexing."""

    @wraps(view)
    @ratelimit(group=RATE_GROUP, key="ip", rate=_rate, block=True)
    @require_http_methods(["GET", "POST"])
    def wrapped(request, *args, **kwargs):
        return _private(view(request, *args, **kwargs))

    return wrapped


def _invalid(request: HttpRequest, *, status: int = 404, too_many: bool = False) -> HttpResponse:
    return render(request, "patients/link_invalid.html", {"too_many": too_many}, status=status)


@public_link_page
def link_entry(request: HttpRequest) -> HttpResponse:
    form = LinkCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("patient_link:landing", token=form.cleaned_data["code"])
    return render(request, "patients/link_entry.html", {"form": form})


def _pre_admission(request: HttpRequest, link: PatientLink) -> HttpResponse:
    form = PreAdmissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pre_admission_submit(link=link, contacts=form.contacts)
        except LinkInvalid:  # used in another tab a moment ago
            return _invalid(request)
        return render(request, "patients/link_thanks.html", {"clinic": link.stay.facility})
    return render(request, "patients/link_pre_admission.html", _landing_context(link) | {"form": form})


def _landing_context(link: PatientLink) -> dict:
    """What any landing page may show: first name, clinic, planned admission, expiry. Nothing else of the stay."""
    stay = link.stay
    return {
        "first_name": stay.patient.first_name,
        "clinic": stay.facility,
        "admission_date": stay.admission_date,
        "expires_at": link.expires_at,
    }


# One page per link purpose; the screening questionnaire adds its own.
LANDING_PAGES: dict[str, Callable[[HttpRequest, PatientLink], HttpResponse]] = {
    LinkPurpose.PRE_ADMISSION: _pre_admission,
}


@public_link_page
def link_landing(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > MAX_TOKEN_CHARS:
        return _invalid(request)
    try:
        link = services.patient_link_resolve(token=token)
    except LinkInvalid:
        return _invalid(request)
    page = LANDING_PAGES.get(link.purpose)
    if page is None:
        return _invalid(request)
    return page(request, link)


def link_rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """settings.RATELIMIT_VIEW: too many tries from one address. The friendly page, status 429."""
    response = _private(_invalid(request, status=429, too_many=True))
    response["Retry-After"] = "60"
    return response
