"""Create a patient with a planned stay (with the duplicate check), edit stay and patient, show the history."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from patients import services
from patients.errors import PossibleDuplicatePatient
from patients.forms import CreateStayExtraForm, PatientForm, StayEditForm, StayForm
from patients.models import PATIENT_INPUT_FIELDS, Patient
from patients.selectors import possible_duplicates
from patients.views.common import stay_write, to_overview
from staff.models import Role
from wmr.access import role_required, stay_view


@role_required(Role.CLINICIAN)
def patient_stay_create(request: HttpRequest) -> HttpResponse:
    """One form for patient and planned stay. A likely duplicate is offered instead of silently created twice."""
    user = request.user
    bound = request.method == "POST"
    patient_form = PatientForm(request.POST if bound else None, prefix="patient")
    stay_form = StayForm(request.POST if bound else None, prefix="stay", user=user)
    extra_form = CreateStayExtraForm(request.POST if bound else None, prefix="extra", user=user)
    candidates: list[Patient] = []
    if bound:
        existing_id = request.POST.get("use_existing")
        if existing_id and stay_form.is_valid() and extra_form.is_valid():
            existing = _offered_patient(request, existing_id)
            stay = services.patient_create_with_stay(
                user=user,
                patient_data={},
                stay_data=stay_form.cleaned_data,
                team_function=extra_form.cleaned_data["team_function"],
                existing_patient=existing,
            )
            messages.success(
                request, _("Planned stay %(number)s created for the existing patient.") % {"number": stay.number}
            )
            return to_overview(stay)
        if patient_form.is_valid() and stay_form.is_valid() and extra_form.is_valid():
            try:
                stay = services.patient_create_with_stay(
                    user=user,
                    patient_data={f: patient_form.cleaned_data[f] for f in PATIENT_INPUT_FIELDS}
                    | {"facility": stay_form.cleaned_data["facility"]},
                    stay_data=stay_form.cleaned_data,
                    team_function=extra_form.cleaned_data["team_function"],
                    confirm_new=extra_form.cleaned_data["confirm_new"],
                )
            except PossibleDuplicatePatient as exc:
                candidates = exc.candidates
                messages.warning(request, exc.message)
            else:
                messages.success(request, _("Patient and planned stay %(number)s created.") % {"number": stay.number})
                return to_overview(stay)
    return render(
        request,
        "patients/patient_create.html",
        {"patient_form": patient_form, "stay_form": stay_form, "extra_form": extra_form, "candidates": candidates},
        status=200,
    )


def _offered_patient(request: HttpRequest, existing_id: str) -> Patient:
    """Only a patient the duplicate check would offer for the typed name/birth date/KVNR may be chosen."""
    patient_form = PatientForm(request.POST, prefix="patient")
    patient_form.is_valid()
    data = patient_form.cleaned_data
    offered = possible_duplicates(
        last_name=data.get("last_name", ""), birth_date=data.get("birth_date"), kvnr=data.get("kvnr", "")
    )
    try:
        return offered.get(pk=int(existing_id))
    except (ValueError, Patient.DoesNotExist) as exc:
        raise Http404 from exc


@stay_write
def stay_edit(request: HttpRequest, stay) -> HttpResponse:
    # The form edits a copy: the service compares with the stay as stored to log which fields changed.
    form = StayEditForm(request.POST or None, instance=copy(stay))
    if request.method == "POST" and form.is_valid():
        services.stay_update(by=request.user, stay=stay, data=form.cleaned_data)
        messages.success(request, _("Stay saved."))
        return to_overview(stay)
    return render(request, "patients/stay_edit.html", {"stay": stay, "form": form})


@stay_write
def patient_edit(request: HttpRequest, stay) -> HttpResponse:
    patient = stay.patient
    form = PatientForm(request.POST or None, instance=copy(patient))
    form.helper.form_tag = True
    form.helper.disable_csrf = False
    if request.method == "POST" and form.is_valid():
        services.patient_update(by=request.user, patient=patient, data=form.cleaned_data)
        messages.success(request, _("Patient data saved."))
        return to_overview(stay)
    return render(request, "patients/patient_edit.html", {"stay": stay, "form": form})


@stay_view(action="patients.stay.history_viewed")
def stay_history(request: HttpRequest, stay) -> HttpResponse:
    from patients.history import stay_history_entries

    return render(request, "patients/stay_history.html", {"stay": stay, "entries": stay_history_entries(stay)})
