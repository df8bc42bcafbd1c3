"""The audit viewer for the privacy officer: who read, exported, created, changed or deleted what, when, from where.

Every look at the log is itself logged (``wmr.audit.viewed`` / ``wmr.audit.exported``, with the filters used).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

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


class PageWithoutCount:
    """One page of ``rows`` without counting them: ``size + 1`` rows are read, the extra one only says that a next
    page exists. The audit table grows by millions of rows; a ``COUNT(*)`` over it (or over a filter of it) would
    cost in proportion to the table, this costs in proportion to the page (and, by OFFSET, to its number).

    Quacks like the part of ``django.core.paginator.Page`` the templates use (``components/_pagination_next.html``).
    """

    def __init__(self, rows: QuerySet, number, size: int):
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        self.size = size
        offset = (self.number - 1) * size
        found = list(rows[offset : offset + size + 1])
        self._has_next = len(found) > size
        self.object_list = found[:size]
        self.offset = offset

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return self.offset + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.offset + len(self.object_list)


def _filtered(request: HttpRequest) -> tuple[AuditFilter, QuerySet[AuditEntry]]:
    """The filter and its rows; invalid filter input shows no rows (never all of them) and says why."""
    filterset = AuditFilter(request.GET or None, queryset=audit_entries())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, AuditEntry.objects.none()
    return filterset, filterset.qs


@role_required(Role.PRIVACY_OFFICER)
def audit_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = _filtered(request)
    page = PageWithoutCount(rows, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "wmr/audit_list.html", {"filter": filterset, "page": page, "query": query.urlencode()})
    # Logged after rendering, so the page shows the log as it was when opened.
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
