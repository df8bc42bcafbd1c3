"""The audit viewer for the privacy officer: who read, exported, created, changed or deleted what, when, from where.

Every look at the log is itself logged (``wmr.audit.viewed`` / ``wmr.audit.exported``, with the filters used).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staff.models import Role
from wmr import audit
from wmr.access import role_required
from wmr.audit_filters import AuditFilter, audit_entries
from wmr.models import AuditEntry

PAGE_SIZE = 100


def _filtered(request: HttpRequest) -> tuple[AuditFilter, QuerySet[AuditEntry]]:
    """The filter and its rows; invalid filter input shows no rows (never all of them) and says why."""
    filterset = AuditFilter(request.GET or None, queryset=audit_entries())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, AuditEntry.objects.none()
    return filterset, filterset.qs


@role_required(Role.PRIVACY_OFFICER)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "wmr/audit_list.html", {"filter": filterset, "page": page, "query": query.urlencode()})
    # Logged after rendering, so the page shows the log as it was when opened (count and rows agree).
    audit.log(
        None,
        "wmr.audit.viewed",
        user=request.user,
        data={"filter": filterset.used(), "page": page.number},
        patient_id=filterset.patient_id(),
    )
    return response


@role_required(Role.PRIVACY_OFFICER)
def audit_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """The filtered rows as CSV (semicolon-separated, UTF-8 with BOM, so German Excel opens it as it is)."""
    filterset, rows = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return audit_list(request)
    logged = audit.log(
        None,
        "wmr.audit.exported",
        user=request.user,
        data={"filter": filterset.used(), "format": "csv"},
        patient_id=filterset.patient_id(),
    )
    # The rows are read while streaming, after this export's own row exists; the file shows the log as it was asked for.
    rows = rows.filter(pk__lt=logged.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    lines = _csv_lines(export_rows(rows), language=translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


def export_header() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Action"),
        _("Action code"),
        _("Object type"),
        _("Object id"),
        _("Patient id"),
        _("Stay id"),
        _("Stay number"),
        _("Address"),
        _("Path"),
        _("Details"),
    ]


def export_rows(rows: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    """The header, then one list of cells per audit row (times in the clinic's time zone)."""
    yield export_header()
    for entry in rows.iterator(chunk_size=2000):
        yield [
            timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M:%S"),
            entry.username,
            entry.action_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            "" if entry.patient_id is None else str(entry.patient_id),
            "" if entry.stay_id is None else str(entry.stay_id),
            entry.stay_number or "",
            entry.ip_address or "",
            entry.path,
            "; ".join(f"{key}={value}" for key, value in entry.data.items()),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula (a user name typed at the login, say) is quoted with ``'``."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_lines(rows: Iterable[list[str]], *, language: str) -> Iterator[str]:
    """The response is iterated after the view returned, so the request's language is put back on for it."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    with translation.override(language):
        for row in rows:
            yield writer.writerow([_safe_cell(cell) for cell in row])
