"""Export of a patient's contact log as CSV and as stored PDF: one row generator, every session (cancelled ones
included, counting 0), versions, audit-logged, care team only."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from patients.models import Document
from tests.therapy.conftest import stay_day
from therapy import exports
from therapy.services.sessions import Attendee, group_session_log, session_cancel
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 23)
COUNTED = 10  # column "Minutes that count"
VERSIONS = 15


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_lists_every_session_with_the_minutes_that_count(
    wmr_stay, log_individual, social_worker, treating_psychologist, client_for
):
    log_individual(wmr_stay, 45, day=3, topics=["career_prospects"], note="first talk", start=dt.time(9, 0))
    cancelled = log_individual(wmr_stay, 30, day=5)
    session_cancel(by=social_worker, session=cancelled, reason="patient ill")
    url = reverse("therapy:contact-log-csv", args=[wmr_stay.pk])
    client = client_for(treating_psychologist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"contact-log-{wmr_stay.number}-" in response["Content-Disposition"]
    header, first, second = csv_rows(response)
    assert header[COUNTED] == "Minutes that count" and header[VERSIONS] == "Versions"
    assert first[:4] == ["04.11.2026", "09:00", "3", "individual psychosocial counseling"]
    assert (first[COUNTED], first[12], first[13], first[VERSIONS]) == ("45", "Career prospects", "first talk", "1")
    assert (second[5], second[COUNTED], second[14], second[VERSIONS]) == ("cancelled", "0", "patient ill", "2")


def test_group_sessions_show_the_group_and_the_patients_own_minutes(
    wmr_stay, work_group, log_group, social_worker, treating_psychologist
):
    log_group(work_group, [wmr_stay], day=6, minutes=90)
    group_session_log(
        by=social_worker,
        group=work_group,
        held_on=stay_day(wmr_stay, 8),
        start=dt.time(10, 0),
        minutes=90,
        attendees=[Attendee(stay=wmr_stay, late_minutes=10, left_early_minutes=5)],
        today=TODAY,
    )
    log_group(work_group, [wmr_stay], day=9, minutes=90)
    from therapy.models import Attendance

    Attendance.objects.filter(session__held_on=stay_day(wmr_stay, 9)).update(present=False, minutes=0)
    with translation.override("en"):
        rows = list(exports.contact_log_rows(wmr_stay))
    assert [(r[4], r[7], r[8], r[9], r[COUNTED]) for r in rows] == [
        ("Arbeit und Gesundheit", "yes", "0", "0", "90"),
        ("Arbeit und Gesundheit", "yes", "10", "5", "75"),
        ("Arbeit und Gesundheit", "no", "0", "0", "0"),
    ]


def test_a_cell_a_spreadsheet_would_run_as_formula_is_quoted(wmr_stay, log_individual):
    log_individual(wmr_stay, 30, day=3, note="=HYPERLINK(1)")
    content, count = exports.contact_log_csv(wmr_stay)
    assert count == 1
    assert "'=HYPERLINK(1)" in content.decode("utf-8")


def test_the_csv_export_is_audit_logged(wmr_stay, log_individual, treating_psychologist, client_for):
    log_individual(wmr_stay, 30, day=3)
    client_for(treating_psychologist).get(reverse("therapy:contact-log-csv", args=[wmr_stay.pk]))
    entry = AuditEntry.objects.get(action="therapy.contactlog.exported")
    assert (entry.stay_id, entry.user, entry.data) == (wmr_stay.pk, treating_psychologist, {"format": "csv", "rows": 1})
    assert not AuditEntry.objects.filter(action="patients.stay.viewed", stay_id=wmr_stay.pk).exists()


def test_the_pdf_is_stored_with_its_hash_and_author_and_downloaded(wmr_stay, log_individual, social_worker, client_for):
    log_individual(wmr_stay, 45, day=3, topics=["career_prospects"])
    client = client_for(social_worker)
    response = client.post(reverse("therapy:contact-log-pdf", args=[wmr_stay.pk]))
    document = Document.objects.get(stay=wmr_stay, kind=exports.DOCUMENT_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:document-download", args=[wmr_stay.pk, document.pk])
    content = bytes(document.content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.created_by == social_worker
    assert document.facts["rows"] == 1
    download = client.get(response["Location"])
    assert download.status_code == 200 and bytes(download.content) == content
    entry = AuditEntry.objects.get(action="therapy.contactlog.exported")
    assert entry.data == {"format": "pdf", "rows": 1, "sha256": document.sha256}
    assert AuditEntry.objects.filter(action="patients.document.downloaded", stay_id=wmr_stay.pk).count() == 1


def test_the_pdf_shows_the_bars_and_the_sessions(wmr_stay, log_individual, social_worker):
    log_individual(wmr_stay, 45, day=3, topics=["career_prospects"])
    with translation.override("en"):
        rendered = exports.render_contact_log(wmr_stay, today=TODAY, by=social_worker)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(rendered.content)).pages)
    assert text.startswith("Contact log")
    assert wmr_stay.patient.full_name in text
    assert "45 of 60 minutes of individual counseling" in text
    assert "Career prospects" in text
    assert rendered.filename == f"contact-log-{wmr_stay.number}-2026-11-23.pdf"


def test_the_contact_log_of_another_team_answers_404(wmr_stay, other_team_clinician, client_for):
    client = client_for(other_team_clinician)
    assert client.get(reverse("therapy:contact-log-csv", args=[wmr_stay.pk])).status_code == 404
    assert client.post(reverse("therapy:contact-log-pdf", args=[wmr_stay.pk])).status_code == 404
    assert not Document.objects.filter(stay=wmr_stay).exists()
    assert not AuditEntry.objects.filter(action="therapy.contactlog.exported").exists()
