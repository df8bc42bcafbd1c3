"""The privacy officer's pages: patient search, access report, audit-trail and data export of one patient.

Only the privacy officer, and only for patients of their facilities; everyone else gets 404 (wmr.access).
Every page and every file is audit-logged.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation

from patients.services import RenderedDocument
from privacy import documents, selectors, services
from privacy.forms import PatientSearchForm, PeriodForm
from staff.models import Role
from wmr import audit
from wmr.access import role_required
from wmr.audit_views import PageWithoutCount, _csv_lines, export_rows

REPORT_PAGE_SIZE = 100


def officer_patient(view):
    """The privacy officer's view of one patient of their facilities (404 otherwise), passed as ``patient``."""

    @wraps(view)
    @role_required(Role.PRIVACY_OFFICER)
    def wrapped(request: HttpRequest, patient_id: int, *args, **kwargs):
        patient = selectors.patient_for_officer(request.user, patient_id)
        if patient is None:
            raise Http404
        return view(request, patient, *args, **kwargs)

    return wrapped


def _download(document: RenderedDocument) -> HttpResponse:
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@role_required(Role.PRIVACY_OFFICER)
def patient_search(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    patients = None
    if form.is_valid():
        patients = list(selectors.patient_search(request.user, **form.cleaned_data))
        # the ids found, never the search terms (a name typed here is personal data the log need not keep)
        audit.log(None, "privacy.patient.listed", user=request.user, data={"ids": [p.pk for p in patients]})
    return render(request, "privacy/patient_search.html", {"form": form, "patients": patients})


def _report_context(request: HttpRequest, patient) -> dict:
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        entries = selectors.patient_audit_entries(patient).none()
    else:
        entries = selectors.patient_audit_entries(patient, start=period.get("start"), end=period.get("end"))
    return {
        "form": form,
        "filter": {"form": form},
        "period": period,
        "entries": entries,
        "summary": selectors.access_summary(entries),
        "stays": list(patient.stays.order_by("admission_date")),
        "query": _without_page(request),
    }


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@officer_patient
def access_report(request: HttpRequest, patient) -> HttpResponse:
    context = _report_context(request, patient)
    # one page of rows, read before this visit's own row is written; the PDF and CSV carry every row of the period
    page = PageWithoutCount(context["entries"], request.GET.get("page"), REPORT_PAGE_SIZE)
    context |= {"entries": page.object_list, "page": page}
    response = render(request, "privacy/access_report.html", {"patient": patient, **context})
    audit.log(patient, "privacy.access_report.viewed", user=request.user, data={"period": request.GET.dict()})
    return response


@officer_patient
def access_report_pdf(request: HttpRequest, patient) -> HttpResponse:
    context = _report_context(request, patient)
    context["entries"] = list(context["entries"])
    document = documents.render_access_report(patient=patient, context=context)
    audit.log(patient, "privacy.access_report.exported", user=request.user, data={"period": request.GET.dict()})
    return _download(document)


@officer_patient
def audit_trail_csv(request: HttpRequest, patient) -> HttpResponse:
    """The patient's audit trail as CSV (the audit viewer's columns; ';', UTF-8 with BOM)."""
    context = _report_context(request, patient)
    entries = list(context["entries"])
    period = context["period"]
    services.audit_trail_exported(
        by=request.user, patient=patient, fmt="csv", start=period.get("start"), end=period.get("end"), rows=len(entries)
    )
    rows = context["entries"].filter(pk__in=[entry.pk for entry in entries])
    lines = _csv_lines(export_rows(rows), language=translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{patient.pk}.csv"'
    return response


@officer_patient
def audit_trail_pdf(request: HttpRequest, patient) -> HttpResponse:
    context = _report_context(request, patient)
    context["entries"] = list(context["entries"])
    period = context["period"]
    document = documents.render_audit_trail_pdf(patient=patient, context=context)
    services.audit_trail_exported(
        by=request.user,
        patient=patient,
        fmt="pdf",
        start=period.get("start"),
        end=period.get("end"),
        rows=len(context["entries"]),
    )
    return _download(document)


@officer_patient
def export_json(request: HttpRequest, patient) -> HttpResponse:
    return _download(
        documents.render_export_json(services.patient_export(by=request.user, patient=patient, fmt="json"))
    )


@officer_patient
def export_pdf(request: HttpRequest, patient) -> HttpResponse:
    return _download(documents.render_export_pdf(services.patient_export(by=request.user, patient=patient, fmt="pdf")))
