"""The screening questionnaire on the patient's one-time link (issue 4): questionnaire first, then the contacts of
the pre-admission page, then one submit; each answer autosaved with htmx. Registered as the pre-admission landing
page in ``screening.apps.ScreeningConfig.ready`` (patients never imports screening)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from patients.errors import LinkInvalid
from patients.models import PatientLink
from patients.views import links
from screening.forms_link import LinkContactsForm, QuestionnaireForm, as_text
from screening.selectors import setting_for
from screening.services import link_entry as screening_link


def pre_admission(request: HttpRequest, link: PatientLink) -> HttpResponse:
    """The questionnaire of the facility's screening setting first (when there is one), then the contacts."""
    setting = setting_for(link.stay, timezone.localdate())
    if setting is None:
        return links.pre_admission_contacts(request, link)
    return _pre_admission_with_screening(request, link, setting)


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
        return links.invalid_page(request)
    return render(request, "patients/link_thanks.html", {"clinic": link.stay.facility})


def _screening_page(request, link, setting, questionnaire, contacts, *, confirm_missing: int = 0) -> HttpResponse:
    questions = questionnaire.questions()
    context = links.landing_context(link) | {
        "token": request.resolver_match.kwargs["token"],
        "questions": questions,
        "answered": sum(1 for question in questions if question.value and not question.errors),
        "form": contacts,
        "questionnaire": questionnaire,
        "instrument_name": setting.instrument.name(request.LANGUAGE_CODE),
        "confirm_missing": confirm_missing,
    }
    return render(request, "patients/link_screening.html", context)


# Autosave sends one request per answer: its own budget, so answering quickly never locks a patient out of her
# questionnaire (guessing is stopped by the wrong-token limit before any token reaches this view).
AUTOSAVE_RATE = "120/m"


@links.public_link_page(group="screening.link.autosave", rate=AUTOSAVE_RATE)
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Autosave of one answer (htmx, on change): checked with the engine, kept in the draft, or an inline message
    and nothing saved. Without htmx there is nothing to do here: back to the page."""
    link = links.resolve(request, token)
    if isinstance(link, HttpResponse):
        return link
    if request.method != "POST" or not request.headers.get("HX-Request"):
        return redirect("patient_link:landing", token=token)
    setting = setting_for(link.stay, timezone.localdate())
    if setting is None or links.LANDING_PAGES.get(link.purpose) is not pre_admission:
        return links.invalid_page(request)
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
