"""Downloads of the compliance dashboard (CSV, XLSX, PDF) and of the per-stay indicator table (CSV), for management
of the facility only (everyone else: 404). The query string is the dashboard's (``DashboardFilterForm``), so a link
from the dashboard exports exactly what the page shows.

Bad input never gives a 500: a facility that is not among the reader's answers 404 (as the dashboard's own URLs do
for another clinic); a period such as "2026-Q5" or an unknown team member sends the reader back to the dashboard
with the message. Each export writes its own audit row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from compliance import documents, exports, selectors
from compliance.forms_dashboard import DashboardFilterForm
from patients.services import RenderedDocument
from staff.models import Role
from wmr.access import role_required

DASHBOARD_URL = "compliance:dashboard"


def _download(rendered: RenderedDocument) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=rendered.filename)
    add_never_cache_headers(response)
    return response


def _checked_form(request: HttpRequest) -> DashboardFilterForm | HttpResponse:
    """The dashboard's filter form on the query, valid; a facility not among the reader's → 404, any other bad value
    → a redirect back to the dashboard (same query) with the message."""
    form = DashboardFilterForm(request.GET, user=request.user, today=timezone.localdate())
    if form.is_valid():
        return form
    if "facility" in form.errors:
        raise Http404
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    query = request.GET.urlencode()
    return redirect(reverse(DASHBOARD_URL) + (f"?{query}" if query else ""))


def _dashboard_download(request: HttpRequest, export: Callable[..., RenderedDocument]) -> HttpResponse:
    form = _checked_form(request)
    if isinstance(form, HttpResponse):
        return form
    data = form.cleaned_data
    dashboard = selectors.facility_dashboard(
        facility=data["facility"], period=data["period"], filters=form.filters, today=form.today
    )
    return _download(export(by=request.user, dashboard=dashboard))


@role_required(Role.MANAGEMENT)
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard as CSV (";", UTF-8 with BOM): one row per indicator."""
    return _dashboard_download(request, exports.dashboard_csv_export)


@role_required(Role.MANAGEMENT)
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    """The dashboard as XLSX: the same rows as the CSV, numbers as numbers."""
    return _dashboard_download(request, exports.dashboard_xlsx_export)


@role_required(Role.MANAGEMENT)
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard as PDF with the trend sparklines."""
    return _dashboard_download(request, documents.dashboard_pdf_export)


@role_required(Role.MANAGEMENT)
def stay_table_csv(request: HttpRequest) -> HttpResponse:
    """The indicator results per stay and measure of the period (pseudonymised), for the quality manager."""
    form = _checked_form(request)
    if isinstance(form, HttpResponse):
        return form
    data = form.cleaned_data
    rendered = exports.stay_table_csv_export(
        by=request.user, facility=data["facility"], period=data["period"], filters=form.filters
    )
    return _download(rendered)
