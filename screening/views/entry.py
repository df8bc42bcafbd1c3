"""Screening results of a stay: the list, staff/paper entry, "not possible" (S-4) and corrections (R-3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patients.errors import DomainError
from patients.views.common import stay_write
from screening.errors import InvalidAnswer, NoScreeningSetting
from screening.forms_entry import CorrectionForm, EntryForm, NotPossibleForm
from screening.instruments.engine import localized, rule_text
from screening.models import InstrumentVersion, ResultStatus, ScreeningResult
from screening.selectors import setting_for, stay_results
from screening.services import entry
from wmr.access import stay_view


@dataclass(frozen=True)
class AnswerLine:
    label: str
    answer: str
    points: str


@dataclass(frozen=True)
class ResultRow:
    result: ScreeningResult
    rule_text: str
    missing: list[str]
    answers: list[AnswerLine]
    corrected_by: ScreeningResult | None


def _language() -> str:
    return (translation.get_language() or "de")[:2]


def _answer_text(item: dict, value, language: str) -> str:
    if item["type"] == "choice":
        option = next((o for o in item["options"] if o["code"] == value), None)
        return localized(option, "label", language) if option else str(value)
    if item["type"] == "yes_no":
        return _("yes") if value in (True, "yes") else _("no")
    return str(value)


def _row(result: ScreeningResult, corrected_by: ScreeningResult | None, language: str) -> ResultRow:
    items = {item["code"]: item for item in (result.instrument.definition["items"] if result.instrument else [])}

    def label(code: str) -> str:
        return localized(items[code], "label", language) if code in items else code

    answers = [
        AnswerLine(label(code), _answer_text(items[code], value, language), result.item_points.get(code, ""))
        for code, value in result.answers.items()
        if code in items
    ]
    return ResultRow(
        result=result,
        rule_text=rule_text(result.rule, language) if result.rule else "",
        missing=[label(code) for code in result.missing],
        answers=answers,
        corrected_by=corrected_by,
    )


@stay_view("screening.results.viewed")
def result_list(request: HttpRequest, stay) -> HttpResponse:
    language = _language()
    results = list(stay_results(stay))
    # Every correction of this stay is in the same list, so "corrected by" costs no query of its own.
    corrected_by = {result.corrects_id: result for result in results if result.corrects_id}
    setting = setting_for(stay, timezone.localdate())
    rows = [_row(result, corrected_by.get(result.pk), language) for result in results]
    demo = any(row.result.instrument and not row.result.instrument.is_official for row in rows) or bool(
        setting and not setting.instrument.is_official
    )
    may_write = request.user.is_clinician and request.user.has_perm("patients.change_stay", stay)
    return render(
        request,
        "screening/entry_list.html",
        {"stay": stay, "rows": rows, "setting": setting, "demo": demo, "may_write": may_write},
    )


def _no_setting(request: HttpRequest, stay) -> HttpResponse:
    return render(request, "screening/entry_no_setting.html", {"stay": stay, "message": NoScreeningSetting().message})


def _to_list(stay) -> HttpResponse:
    return redirect("screening:result-list", stay_id=stay.pk)


def _instrument_context(instrument: InstrumentVersion, language: str) -> dict:
    return {"instrument": instrument, "instrument_name": instrument.name(language), "demo": not instrument.is_official}


@stay_write
def result_create(request: HttpRequest, stay) -> HttpResponse:
    language = _language()
    setting = setting_for(stay, timezone.localdate())
    if setting is None:
        return _no_setting(request, stay)
    form = EntryForm(request.POST or None, definition=setting.instrument.definition, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            result = entry.result_enter(
                by=request.user,
                stay=stay,
                answers=form.answers(),
                channel=form.cleaned_data["channel"],
                completed_at=form.cleaned_data["completed_at"],
                now=timezone.now(),
            )
        except InvalidAnswer as exc:
            form.add_answer_error(exc.item, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Screening recorded: %(status)s.") % {"status": result.get_status_display()})
            return _to_list(stay)
    context = {"stay": stay, "form": form, "setting": setting, **_instrument_context(setting.instrument, language)}
    context["rule_text"] = rule_text(setting.rule, language)
    return render(request, "screening/entry_form.html", context)


@stay_write
def result_not_possible(request: HttpRequest, stay) -> HttpResponse:
    form = NotPossibleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry.result_not_possible(
                by=request.user,
                stay=stay,
                reason=form.cleaned_data["reason"],
                completed_at=form.cleaned_data["completed_at"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recorded: screening not possible."))
            return _to_list(stay)
    return render(request, "screening/entry_not_possible.html", {"stay": stay, "form": form})


@stay_write
def result_correct(request: HttpRequest, stay, result_id: int) -> HttpResponse:
    language = _language()
    result = get_object_or_404(
        stay.screenings.select_related("instrument").exclude(status=ResultStatus.NOT_POSSIBLE), pk=result_id
    )
    if result.instrument is None or result.corrections.exists():
        messages.error(request, _("This result was corrected already; correct its latest version."))
        return _to_list(stay)
    form = CorrectionForm(
        request.POST or None,
        definition=result.instrument.definition,
        language=language,
        answers=result.answers,
        initial={"completed_at": timezone.localtime(result.completed_at)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry.result_correct(
                by=request.user,
                result=result,
                answers=form.answers(),
                reason=form.cleaned_data["reason"],
                completed_at=form.cleaned_data["completed_at"],
                now=timezone.now(),
            )
        except InvalidAnswer as exc:
            form.add_answer_error(exc.item, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Correction recorded; the earlier version stays visible."))
            return _to_list(stay)
    context = {"stay": stay, "form": form, "result": result, **_instrument_context(result.instrument, language)}
    context["rule_text"] = rule_text(result.rule, language)
    return render(request, "screening/entry_correct.html", context)
