"""The patient's one-time link: public pages without login (issue 3, rec. 1.2).

``/p/`` takes the code typed from the letter, ``/p/<token>/`` resolves the link and shows the page of its purpose
(``LANDING_PAGES``; the screening app registers its questionnaire there). Any link that cannot be used — unknown,
used, expired, revoked — gets the same page with the same status, so the answer never tells whose link it was or
why it failed. Every response is rate-limited per client address, never cached and never indexed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from patients import services
from patients.errors import LinkInvalid
from patients.link_forms import LinkCodeForm, PreAdmissionForm
from patients.models import LinkPurpose, PatientLink

RATE_GROUP = "patients.link"
MAX_TOKEN_CHARS = 64
# Issue 4: at most 10 wrong tokens per minute per address, then a cool-down in which every link answers 429 (a
# valid token must not answer differently during it, or the cool-down would still confirm a guessed token).
WRONG_TOKEN_GROUP = "patients.link.wrong"
WRONG_TOKEN_RATE = "10/m"
# What the audit log and Django's request log show instead of a link's path: the token never appears in logs.
REDACTED = "…"


def _rate(group: str, request: HttpRequest) -> str:
    """Read at request time, so the setting can change without a restart of the decorator (and in tests)."""
    return settings.PATIENT_LINK_RATE


def private(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    if response.status_code >= 400:
        # Django's request log would name request.path, i.e. the token: log the redacted path instead (this also
        # marks the response as logged, so Django does not log it again).
        log_response(
            "%s: %s",
            response.reason_phrase,
            getattr(request, "audit_path", request.path),
            response=response,
            request=request,
        )
    return response


def public_link_page(view=None, *, methods=("GET", "POST"), group: str = RATE_GROUP, rate=None):
    """Public page of the patient link: GET/POST only, rate-limited per address (django-ratelimit raises
    Ratelimited, which its middleware turns into ``link_rate_limited``), no caching, no indexing. A page with a
    token in its path sets ``request.audit_path`` (the path with the token replaced by "…"), which the audit log
    and the request log use instead of the path."""

    def decorate(view):
        limited = ratelimit(group=group, key="ip", rate=rate or _rate, block=True)(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            token = kwargs.get("token")
            if token:
                request.audit_path = request.path.replace(token, REDACTED)
            if request.method not in methods:  # not require_http_methods: it would log the path with the token
                return private(request, HttpResponseNotAllowed(methods))
            return private(request, limited(request, *args, **kwargs))

        return wrapped

    return decorate(view) if view is not None else decorate


def invalid_page(request: HttpRequest, *, status: int = 404, too_many: bool = False) -> HttpResponse:
    return render(request, "patients/link_invalid.html", {"too_many": too_many}, status=status)


def _wrong_tokens_exceeded(request: HttpRequest, *, count_one: bool = False) -> bool:
    """Whether the address has tried more than WRONG_TOKEN_RATE unusable tokens; ``count_one`` counts a new one.
    Only failures count, so a patient who reloads a valid link is limited by PATIENT_LINK_RATE alone."""
    return is_ratelimited(request, group=WRONG_TOKEN_GROUP, key="ip", rate=WRONG_TOKEN_RATE, increment=count_one)


def resolve(request: HttpRequest, token: str) -> PatientLink | HttpResponse:
    """The usable link of ``token``, or the response to give: the one invalid page, or 429 in the cool-down."""
    if _wrong_tokens_exceeded(request):
        return link_rate_limited(request, None)
    try:
        if len(token) > MAX_TOKEN_CHARS:
            raise LinkInvalid()
        return services.patient_link_resolve(token=token)
    except LinkInvalid:
        if _wrong_tokens_exceeded(request, count_one=True):
            return link_rate_limited(request, None)
        return invalid_page(request)


@public_link_page
def link_entry(request: HttpRequest) -> HttpResponse:
    form = LinkCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("patient_link:landing", token=form.cleaned_data["code"])
    return render(request, "patients/link_entry.html", {"form": form})


def pre_admission_contacts(request: HttpRequest, link: PatientLink) -> HttpResponse:
    """The pre-admission page of this app: the patient names occupational physician, BEM contact and employer."""
    form = PreAdmissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pre_admission_submit(link=link, contacts=form.contacts)
        except LinkInvalid:  # used in another tab a moment ago
            return invalid_page(request)
        return render(request, "patients/link_thanks.html", {"clinic": link.stay.facility})
    return render(request, "patients/link_pre_admission.html", landing_context(link) | {"form": form})


def landing_context(link: PatientLink) -> dict:
    """What any landing page may show: first name, clinic, planned admission, expiry. Nothing else of the stay."""
    stay = link.stay
    return {
        "first_name": stay.patient.first_name,
        "clinic": stay.facility,
        "admission_date": stay.admission_date,
        "expires_at": link.expires_at,
    }


# One page per link purpose. Apps later in the journey replace or add pages from their AppConfig.ready() (the
# screening app puts its questionnaire in front of the contacts), so this app never imports them.
LANDING_PAGES: dict[str, Callable[[HttpRequest, PatientLink], HttpResponse]] = {
    LinkPurpose.PRE_ADMISSION: pre_admission_contacts,
}


@public_link_page
def link_landing(request: HttpRequest, token: str) -> HttpResponse:
    link = resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    page = LANDING_PAGES.get(link.purpose)
    if page is None:
        return invalid_page(request)
    return page(request, link)


def link_rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """settings.RATELIMIT_VIEW: too many tries from one address. The friendly page, status 429."""
    response = invalid_page(request, status=429, too_many=True)
    response["Retry-After"] = "60"
    return private(request, response)
