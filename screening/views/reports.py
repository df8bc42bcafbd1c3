"""The quarterly screening-quota reports of the user's facilities (management and clinicians; others 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from patients.errors import DomainError
from screening import quota
from screening.models import QuotaReport, ReportStatus
from screening.report_pdf import figure_rows, quota_chart, without_positive_rows
from screening.services.reports import report_mark_shared, report_queue_key, report_request_build
from wmr import audit, outbox
from wmr.access import role_required

REPORT_ROLES = ("management", "clinician")


def _reports(user):
    return QuotaReport.objects.filter(facility__in=user.facilities.all()).select_related("facility")


def _report(request: HttpRequest, pk: int) -> QuotaReport:
    return get_object_or_404(_reports(request.user), pk=pk)


class BuildForm(forms.Form):
    facility = forms.ModelChoiceField(queryset=None, label=_("Facility"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = user.facilities.order_by("name")


def _list(request: HttpRequest, form: BuildForm) -> HttpResponse:
    return render(request, "screening/report_list.html", {"reports": _reports(request.user), "form": form})


@role_required(*REPORT_ROLES)
def report_list(request: HttpRequest) -> HttpResponse:
    year, quarter = quota.previous_quarter(timezone.localdate())
    facility = request.user.facilities.order_by("name").first()
    initial = {"year": year, "quarter": quarter, "facility": facility}
    return _list(request, BuildForm(user=request.user, initial=initial))


@require_POST
@role_required(*REPORT_ROLES)
def report_build(request: HttpRequest) -> HttpResponse:
    """ "Build now": queue the task for the chosen ended quarter; the list polls the report's status."""
    form = BuildForm(request.POST, user=request.user)
    if not form.is_valid():
        return _list(request, form)
    data = form.cleaned_data
    try:
        report = report_request_build(
            facility=data["facility"],
            year=data["year"],
            quarter=data["quarter"],
            by=request.user,
            today=timezone.localdate(),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _list(request, form)
    if outbox.is_pending(report_queue_key(report.facility_id, report.year, report.quarter)):
        messages.warning(
            request,
            _("The task queue is not reachable; the report is queued and will be built as soon as it is back."),
        )
    else:
        messages.success(request, _("The report is queued; this page shows when it is done."))
    return redirect("screening:report-detail", pk=report.pk)


@role_required(*REPORT_ROLES)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    context = {"report": report}
    if report.status == ReportStatus.DONE:
        context |= {
            "rows": figure_rows(report.figures),
            "without_positive": without_positive_rows(report.figures),
            "chart": quota_chart(report.figures),
            "shared_in_time": quota.shared_in_time(
                report.year, report.quarter, timezone.localdate(report.shared_at) if report.shared_at else None
            ),
        }
    return render(request, "screening/report_detail.html", context)


@role_required(*REPORT_ROLES)
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status badge; while queued or building it polls itself every 2 s (htmx), when done it reloads the page."""
    report = _report(request, pk)
    response = render(request, "screening/_report_status.html", {"report": report})
    if report.status == ReportStatus.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = _report(request, pk)
    if report.status != ReportStatus.DONE:
        raise Http404
    content = bytes(report.pdf if kind == "pdf" else report.csv)
    audit.log(report, "screening.report.downloaded", user=request.user, data={"format": kind})
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    short = report.facility.short_name or f"facility{report.facility_id}"
    response["Content-Disposition"] = (
        f'attachment; filename="screening-quota-{short}-{report.year}-Q{report.quarter}.{kind}"'
    )
    return response


@role_required(*REPORT_ROLES)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf")


@role_required(*REPORT_ROLES)
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "csv")


@require_POST
@role_required(*REPORT_ROLES)
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        report_mark_shared(report=report, by=request.user)
        messages.success(request, _("Marked as shared with the team."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("screening:report-detail", pk=report.pk)
