"""Job description forms (rec 4.5): record one, change one (simple-history keeps the earlier version)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from diagnostics.forms_profiles import JobDescriptionForm
from diagnostics.models import JobDescription
from diagnostics.services.jobs import FIELDS, job_description_save
from diagnostics.views.sessions import to_page
from patients.views.common import stay_write


def _job_page(request: HttpRequest, stay, job: JobDescription | None) -> HttpResponse:
    initial = model_to_dict(job, fields=FIELDS) if job else None
    # a fresh instance: the form's model validation must not touch the stored row (the service compares and saves)
    form = JobDescriptionForm(request.POST or None, instance=JobDescription(stay=stay), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job_description_save(by=request.user, stay=stay, job=job, data=form.data_for_service())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Job description saved."))
            return to_page(stay, "jobs")
    title = _("Change job description") if job else _("Record job description")
    return render(request, "diagnostics/job_form.html", {"stay": stay, "form": form, "title": title, "job": job})


@stay_write
def job_create(request: HttpRequest, stay) -> HttpResponse:
    return _job_page(request, stay, None)


@stay_write
def job_edit(request: HttpRequest, stay, job_id: int) -> HttpResponse:
    return _job_page(request, stay, get_object_or_404(stay.job_descriptions, pk=job_id))
