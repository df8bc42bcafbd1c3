"""A patient's contact log — every session of the stay with its attendance minutes, kind, staff, topics, status
(cancelled ones included) and number of versions — as CSV and as PDF. One row generator feeds both (STYLE.md 8).

The PDF is stored as handed out (``patients.services.document_store``: bytes, SHA-256, author); both exports are
audit-logged as ``therapy.contactlog.exported``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from patients import services
from patients.models import Document, Stay
from patients.services import RenderedDocument
from therapy import rules
from therapy import topics as catalogue
from therapy.models import Attendance, TherapySession
from therapy.selectors_progress import BAR_TITLES, stays_facts
from wmr import audit
from wmr.pdf import render_pdf

DOCUMENT_KIND = "therapy_contact_log"
CONTACT_LOG_TEMPLATE_VERSION = 1


def contact_log_attendances(stay: Stay) -> QuerySet[Attendance]:
    """The stay's attendance rows, oldest session first, with session, staff, group and the number of stored
    versions of the session. Queries: 1."""
    versions = (
        TherapySession.history.model.objects.filter(id=OuterRef("session_id"))
        .order_by()
        .values("id")
        .annotate(n=Count("history_id"))
        .values("n")
    )
    return (
        Attendance.objects.filter(stay=stay)
        .select_related("session", "session__staff", "session__group")
        .annotate(versions=Subquery(versions))
        .order_by("session__held_on", "session__start", "session_id")
    )


def contact_log_header() -> list[str]:
    return [
        _("Date"),
        _("Start"),
        _("Day of stay"),
        _("Kind"),
        _("Group"),
        _("Status"),
        _("Session minutes"),
        _("Present"),
        _("Minutes late"),
        _("Minutes left early"),
        _("Minutes that count"),
        _("Staff"),
        _("Topics"),
        _("Note"),
        _("Why cancelled"),
        _("Versions"),
    ]


def _topic_labels(codes, language: str) -> str:
    return ", ".join(t.label(language) if (t := catalogue.topic(code)) else code for code in codes or ())


def contact_log_rows(stay: Stay, attendances: QuerySet[Attendance] | None = None) -> Iterator[list[str]]:
    """One list of cells per attendance of the stay (in the active language; dates d.m.Y). "Minutes that count" is
    0 for a cancelled (or planned) session and for an absence, as the bars count it (``therapy.rules.counts``)."""
    language = translation.get_language() or "de"
    for a in contact_log_attendances(stay) if attendances is None else attendances:
        session = a.session
        fact = rules.AttendanceFact(session.kind, session.status, a.present, a.minutes, session.held_on)
        yield [
            f"{session.held_on:%d.%m.%Y}",
            f"{session.start:%H:%M}" if session.start else "",
            str(rules.day_of(stay.admission_date, session.held_on)),
            str(session.get_kind_display()),
            session.group.name if session.group else "",
            str(session.get_status_display()),
            str(session.minutes),
            _("yes") if a.present else _("no"),
            str(a.late_minutes),
            str(a.left_early_minutes),
            str(a.minutes if rules.counts(fact) else 0),
            session.staff.display_name if session.staff else "",
            _topic_labels(session.topics, language),
            session.note,
            session.cancel_reason,
            str(a.versions or 1),
        ]


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula (a note starting with "=") is quoted with ``'``."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def contact_log_csv(stay: Stay) -> tuple[bytes, int]:
    """The CSV file (UTF-8 with BOM, ";" as Excel in a German clinic expects) and its number of data rows."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(contact_log_header())
    count = 0
    for row in contact_log_rows(stay):
        writer.writerow([_safe_cell(cell) for cell in row])
        count += 1
    return out.getvalue().encode("utf-8"), count


def contact_log_csv_export(*, by, stay: Stay, today: dt.date) -> RenderedDocument:
    """The CSV export with its audit row (the file itself is not stored: it is a view of the sessions)."""
    content, count = contact_log_csv(stay)
    audit.log(stay, "therapy.contactlog.exported", user=by, data={"format": "csv", "rows": count})
    return RenderedDocument(
        filename=f"contact-log-{stay.number}-{today:%Y-%m-%d}.csv",
        content_type="text/csv; charset=utf-8",
        content=content,
    )


def render_contact_log(stay: Stay, *, today: dt.date, by, rows: list[list[str]] | None = None) -> RenderedDocument:
    """The contact log as PDF (A4 landscape): the bars of the stay on ``today``, then every session (``rows`` as
    ``contact_log_rows`` makes them; read when not given)."""
    facts = stays_facts([stay], today)[stay.pk]
    bars = [(BAR_TITLES[key][0], BAR_TITLES[key][1], result) for key, result in rules.indicators(facts, today).items()]
    rows = list(contact_log_rows(stay)) if rows is None else rows
    content = render_pdf(
        "therapy/pdf/contact_log.html",
        {
            "stay": stay,
            "patient": stay.patient,
            "facility": stay.facility,
            "today": today,
            "author": by.display_name,
            "bars": bars,
            "header": contact_log_header(),
            "rows": rows,
        },
    )
    return RenderedDocument(
        filename=f"contact-log-{stay.number}-{today:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
    )


def contact_log_pdf_create(*, by, stay: Stay, today: dt.date) -> Document:
    """Render the contact log as PDF, store it (SHA-256, author) and write one audit row, in one transaction."""
    rows = list(contact_log_rows(stay))
    count = len(rows)
    rendered = render_contact_log(stay, today=today, by=by, rows=rows)
    with transaction.atomic():
        document = services.document_store(
            by=by,
            stay=stay,
            kind=DOCUMENT_KIND,
            rendered=rendered,
            facts={"rows": count, "as_of": today.isoformat(), "template_version": CONTACT_LOG_TEMPLATE_VERSION},
        )
        audit.log(
            document,
            "therapy.contactlog.exported",
            user=by,
            data={"format": "pdf", "rows": count, "sha256": document.sha256},
        )
    return document
