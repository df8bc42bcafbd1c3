"""Instrument versions (read for staff, import for admins) and the facility's screening settings (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patients.errors import DomainError
from screening.errors import InvalidDefinition
from screening.forms_instruments import ImportForm, SettingForm
from screening.instruments.engine import localized, rule_text
from screening.models import InstrumentVersion, ScreeningResult, ScreeningSetting
from screening.services import instruments as services
from staff.models import Role
from wmr.access import role_required

READERS = (Role.CLINICIAN, Role.MANAGEMENT, Role.ADMIN)


def _language() -> str:
    return (translation.get_language() or "de")[:2]


def _with_lock():
    return InstrumentVersion.objects.annotate(
        locked=Exists(ScreeningResult.objects.filter(instrument=OuterRef("pk")))
    ).select_related("created_by")


@role_required(*READERS)
def instrument_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    rows = [(instrument, instrument.name(language)) for instrument in _with_lock().order_by("code", "-created_at")]
    return render(request, "screening/instrument_list.html", {"rows": rows})


def _points_text(item: dict, language: str) -> list[tuple[str, object]]:
    """(answer, points) lines of one item for the detail page."""
    if item["type"] == "choice":
        return [(localized(option, "label", language), option["points"]) for option in item["options"]]
    if item["type"] == "yes_no":
        return [(_("yes"), item["points"]["yes"]), (_("no"), item["points"]["no"])]
    if "bands" in item:
        return [(f"{band['min']}–{band['max']}", band["points"]) for band in item["bands"]]
    return [(f"{item['min']}–{item['max']}", _("answer × %(factor)s") % {"factor": item["factor"]})]


@role_required(*READERS)
def instrument_detail(request: HttpRequest, instrument_id: int) -> HttpResponse:
    language = _language()
    instrument = get_object_or_404(_with_lock(), pk=instrument_id)
    definition = instrument.definition
    items = [
        {
            "code": item["code"],
            "label": localized(item, "label", language),
            "type": item["type"],
            "range": f"{item['min']}–{item['max']}" if item["type"] == "integer" else "",
            "points": _points_text(item, language),
        }
        for item in definition["items"]
    ]
    presets = [
        {
            "code": preset["code"],
            "label": localized(preset, "label", language),
            "rule": rule_text(preset["rule"], language),
            "note": localized(preset, "note", language),
            "warn": localized(preset, "warn", language),
        }
        for preset in definition.get("cutoff_presets") or []
    ]
    context = {
        "instrument": instrument,
        "name": instrument.name(language),
        "items": items,
        "scales": definition["scales"],
        "rule": rule_text(definition["positivity_rule"], language),
        "presets": presets,
        "custom": services.custom_cutoff(instrument),
        "demo": not instrument.is_official,
    }
    return render(request, "screening/instrument_detail.html", context)


@role_required(Role.ADMIN)
def instrument_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.instrument_import(by=request.user, data=form.definition())
        except InvalidDefinition as exc:
            errors = exc.errors
            if "file" in request.FILES:  # show the uploaded text, so it can be fixed in place
                form.data = form.data.copy()
                form.data["text"] = form.cleaned_data["text"]
        else:
            messages.success(request, _("Instrument version imported."))
            return redirect("screening:instrument-detail", instrument_id=instrument.pk)
    return render(request, "screening/instrument_import.html", {"form": form, "errors": errors})


def _admin_facility(request: HttpRequest, facility_id: int):
    facility = request.user.facilities.filter(pk=facility_id).first()
    if facility is None:
        raise Http404
    return facility


@role_required(Role.ADMIN)
def setting_list(request: HttpRequest) -> HttpResponse:
    facilities = list(request.user.facilities.order_by("name"))
    history = ScreeningSetting.objects.filter(facility__in=facilities).select_related("instrument", "created_by")
    by_facility = {facility.pk: [] for facility in facilities}
    for setting in history.order_by("department_code", "-effective_from", "-id"):
        by_facility[setting.facility_id].append(setting)
    language = _language()
    rows = [
        (facility, [(setting, rule_text(setting.rule, language)) for setting in by_facility[facility.pk]])
        for facility in facilities
    ]
    return render(request, "screening/setting_list.html", {"rows": rows, "today": timezone.localdate()})


@role_required(Role.ADMIN)
def setting_create(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _admin_facility(request, facility_id)
    language = _language()
    form = SettingForm(request.POST or None, language=language, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.setting_set(
                by=request.user,
                facility=facility,
                department_code=data["department_code"],
                instrument=data["instrument"],
                preset_code=data["preset_code"] or "",
                custom_value=data["custom_value"],
                screening_due_day=data["screening_due_day"],
                effective_from=data["effective_from"],
                language=language,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Screening setting saved."))
            for warning in saved.warnings:
                messages.warning(request, warning)
            return redirect("screening:setting-list")
    return render(request, "screening/setting_form.html", {"form": form, "facility": facility})
