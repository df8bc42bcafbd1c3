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
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from patients import services
from patients.errors import LinkInvalid
from patients.link_forms import LinkCodeForm, PreAdmissionForm
from patients.models import LinkPurpose, PatientLink
from screening.forms_link import LinkContactsForm, QuestionnaireForm, as_text
from screening.selectors import setting_for
from screening.services import link_entry as screening_link

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


def _private(request: HttpRequest, response: HttpResponse) -> HttpResponse:
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


def public_link_page(view=None, *, methods=("GET", "POST")):
    """Public page of the patient link: GET/POST only, rate-limited per address (django-ratelimit raises
    Ratelimited, which its middleware turns into ``link_rate_limited``), no caching, no indexing. A page with a
    token in its path sets ``request.audit_path`` (the path with the token replaced by "…"), which the audit log
    and the request log use instead of the path."""

    def decorate(view):
        limited = ratelimit(group=RATE_GROUP, key="ip", rate=_rate, block=True)(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            token = kwargs.get("token")
            if token:
                request.audit_path = request.path.replace(token, REDACTED)
            if request.method not in methods:  # not require_http_methods: it would log the path with the token
                return _private(request, HttpResponseNotAllowed(methods))
            return _private(request, limited(request, *args, **kwargs))

        return wrapped

    return decorate(view) if view is not None else decorate


def _invalid(request: HttpRequest, *, status: int = 404, too_many: bool = False) -> HttpResponse:
    return render(request, "patients/link_invalid.html", {"too_many": too_many}, status=status)


def _wrong_tokens_exceeded(request: HttpRequest, *, count_one: bool = False) -> bool:
    """Whether the address has tried more than WRONG_TOKEN_RATE unusable tokens; ``count_one`` counts a new one.
    Only failures count, so a patient who reloads a valid link is limited by PATIENT_LINK_RATE alone."""
    return is_ratelimited(request, group=WRONG_TOKEN_GROUP, key="ip", rate=WRONG_TOKEN_RATE, increment=count_one)


def _resolve(request: HttpRequest, token: str) -> PatientLink | HttpResponse:
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
        return _invalid(request)


@public_link_page
def link_entry(request: HttpRequest) -> HttpResponse:
    form = LinkCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("patient_link:landing", token=form.cleaned_data["code"])
    return render(request, "patients/link_entry.html", {"form": form})


def _pre_admission(request: HttpRequest, link: PatientLink) -> HttpResponse:
    """The questionnaire of the facility's screening setting first (when there is one), then the contacts."""
    setting = setting_for(link.stay, timezone.localdate())
    if setting is not None:
        return _pre_admission_with_screening(request, link, setting)
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


def _pre_admission_with_screening(request: HttpRequest, link: PatientLink, setting) -> HttpResponse:
    """Questionnaire, then contacts, then one submit. Every POST keeps the valid answers in the draft (without
    JavaScript that is how answers are saved); missing answers are allowed once the patient confirms."""
    definition, language = setting.instrument.definition, request.LANGUAGE_CODE
    if request.method != "POST":
        draft = screening_link.draft_for(link, setting.instrument)
        initial = {code: as_text(value) for code, value in (draft.answers if draft else {}).items()}
        questionnaire = QuestionnaireForm(definition, initial=initial, language=language)
        return _screening_page(request, link, setting, questionnaire, LinkContactsForm())
    questionnaire = QuestionnaireForm(definition, request.POST, language=language)
    contacts = LinkContactsForm(request.POST)
    valid = all([questionnaire.is_valid(), contacts.is_valid()])
    if questionnaire.valid_answers or questionnaire.cleared:
        screening_link.draft_answers_save(
            link=link, instrument=setting.instrument, answers=questionnaire.valid_answers, cleared=questionnaire.cleared
        )
    missing = questionnaire.missing()
    if not valid or (missing and not request.POST.get("confirm_incomplete")):
        confirm = len(missing) if valid else 0
        return _screening_page(request, link, setting, questionnaire, contacts, confirm_missing=confirm)
    try:
        screening_link.link_screening_submit(
            link=link, setting=setting, answers=questionnaire.answers, contacts=contacts.contacts
        )
    except LinkInvalid:  # submitted in another tab a moment ago
        return _invalid(request)
    return render(request, "patients/link_thanks.html", {"clinic": link.stay.facility})


def _screening_page(request, link, setting, questionnaire, contacts, *, confirm_missing: int = 0) -> HttpResponse:
    questions = questionnaire.questions()
    context = _landing_context(link) | {
        "token": request.resolver_match.kwargs["token"],
        "questions": questions,
        "answered": sum(1 for question in questions if question.value and not question.errors),
        "form": contacts,
        "questionnaire": questionnaire,
        "instrument_name": setting.instrument.name(request.LANGUAGE_CODE),
        "confirm_missing": confirm_missing,
    }
    return render(request, "patients/link_screening.html", context)


@public_link_page
def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Autosave of one answer (htmx, on change): checked with the engine, kept in the draft, or an inline message
    and nothing saved. Without htmx there is nothing to do here: back to the page."""
    link = _resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    if request.method != "POST" or not request.headers.get("HX-Request"):
        return redirect("patient_link:landing", token=token)
    setting = setting_for(link.stay, timezone.localdate())
    if setting is None or LANDING_PAGES.get(link.purpose) is not _pre_admission:
        return _invalid(request)
    questionnaire = QuestionnaireForm(setting.instrument.definition, request.POST, language=request.LANGUAGE_CODE)
    questionnaire.is_valid()
    codes = questionnaire.posted_codes()
    if codes and not questionnaire.errors:
        screening_link.draft_answers_save(
            link=link, instrument=setting.instrument, answers=questionnaire.valid_answers, cleared=questionnaire.cleared
        )
    draft = screening_link.draft_for(link, setting.instrument)
    context = {
        "statuses": [(code, questionnaire.errors.get(code)) for code in codes],
        "answered": len(draft.answers) if draft else 0,
        "total": len(questionnaire.fields),
    }
    return render(request, "patients/link_screening_saved.html", context)


# One page per link purpose; the screening questionnaire adds its own.
LANDING_PAGES: dict[str, Callable[[HttpRequest, PatientLink], HttpResponse]] = {
    LinkPurpose.PRE_ADMISSION: _pre_admission,
}


@public_link_page
def link_landing(request: HttpRequest, token: str) -> HttpResponse:
    link = _resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    page = LANDING_PAGES.get(link.purpose)
    if page is None:
        return _invalid(request)
    return page(request, link)


def link_rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """settings.RATELIMIT_VIEW: too many tries from one address. The friendly page, status 429."""
    response = _invalid(request, status=429, too_many=True)
    response["Retry-After"] = "60"
    return _private(request, response)
