"""The privacy officer's pages: who may, the patient search, the access report, the audit-trail and data exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from patients.models import ConsentKind
from staff.models import Profession, Role
from tests.conftest import login
from tests.factories import PatientFactory, StayFactory, UserFactory
from wmr import audit
from wmr.models import AuditEntry


@pytest.fixture
def history(stay, treating_psychologist, social_worker):
    """Reads, a write and an export on the stay by the care team, filed under the stay (not the patient)."""
    audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    patient_services.consent_give(by=social_worker, stay=stay, kind=ConsentKind.PAYER, given_on=dt.date(2026, 11, 3))
    audit.log(stay, "patients.document.downloaded", user=social_worker)
    audit.log(stay.patient, "patients.patient.viewed", user=social_worker)
    return stay


def test_the_search_finds_patients_of_the_officers_facilities_by_number_name_and_birth_date(
    privacy_officer, stay, other_facility
):
    elsewhere = PatientFactory(facility=other_facility, last_name=stay.patient.last_name)
    StayFactory(patient=elsewhere)
    client = login(privacy_officer, language="en")
    for query in (
        {"number": stay.number},
        {"name": stay.patient.last_name},
        {"birth_date": stay.patient.birth_date.isoformat()},
    ):
        response = client.get(reverse("privacy:search"), query)
        assert response.status_code == 200
        assert list(response.context["patients"]) == [stay.patient], query
    entry = AuditEntry.objects.filter(action="privacy.patient.listed").latest("id")
    assert entry.data == {"ids": [stay.patient.pk]}  # the ids found, not what was typed


def test_an_empty_or_bad_search_says_why_and_keeps_the_input(privacy_officer, stay):
    client = login(privacy_officer, language="en")
    response = client.get(reverse("privacy:search"), {"name": ""})
    assert response.status_code == 200
    assert "Enter a stay number, a name or a date of birth." in response.content.decode()
    response = client.get(reverse("privacy:search"), {"name": "Muster", "birth_date": "31.02.1980"})
    assert response.status_code == 200
    assert response.context["patients"] is None
    assert 'value="Muster"' in response.content.decode()


def test_the_access_report_lists_every_access_by_patient_and_stay_and_sums_per_person(
    privacy_officer, history, treating_psychologist, social_worker
):
    response = login(privacy_officer, language="en").get(reverse("privacy:report", args=[history.patient_id]))
    assert response.status_code == 200
    actions = [entry.action for entry in response.context["entries"]]
    assert actions.count("patients.stay.viewed") == 2
    assert "patients.patient.viewed" in actions and "patients.consent.given" in actions
    summary = {person.user_id: person for person in response.context["summary"]}
    psych = summary[treating_psychologist.pk]
    assert (psych.reads, psych.writes, psych.exports) == (2, 1, 0)  # writes: joining the care team
    social = summary[social_worker.pk]
    assert (social.reads, social.writes, social.exports) == (1, 2, 1)  # writes: joining the team, the consent
    assert social.profession == "Social worker"
    page = response.content.decode()
    assert "Consent recorded" in page and "Paula Psych" in page
    viewed = AuditEntry.objects.get(action="privacy.access_report.viewed")
    assert viewed.patient_id == history.patient_id and viewed.user == privacy_officer


def test_the_period_filter_narrows_the_report_and_a_reversed_period_shows_a_message(privacy_officer, history):
    client = login(privacy_officer, language="en")
    url = reverse("privacy:report", args=[history.patient_id])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert list(client.get(url, {"start": tomorrow.isoformat()}).context["entries"]) == []
    response = client.get(url, {"start": "2026-12-01", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "The end of the period lies before its start." in response.content.decode()
    assert list(response.context["entries"]) == []


def test_the_officer_of_another_facility_and_the_care_team_get_404(history, other_facility, treating_psychologist):
    stranger = UserFactory(role=Role.PRIVACY_OFFICER, profession=Profession.OTHER, facilities=[other_facility])
    for user in (stranger, treating_psychologist):
        for name in ("privacy:report", "privacy:trail-csv", "privacy:export-json"):
            assert login(user).get(reverse(name, args=[history.patient_id])).status_code == 404, (user, name)
    assert login(stranger).get(reverse("privacy:report", args=[999_999_999])).status_code == 404
    assert (
        not AuditEntry.objects.filter(action__startswith="privacy.").exclude(action="privacy.patient.listed").exists()
    )


def test_the_audit_trail_csv_holds_the_patients_rows_and_is_logged(privacy_officer, history):
    before = AuditEntry.objects.filter(stay_id=history.pk).count()
    response = login(privacy_officer, language="en").get(reverse("privacy:trail-csv", args=[history.patient_id]))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeffTime;User;Action")
    assert text.count("Case overview read") == 2
    assert len(text.strip().splitlines()) >= before + 1
    logged = AuditEntry.objects.get(action="privacy.audit_trail.exported")
    assert logged.patient_id == history.patient_id and logged.data["format"] == "csv"


def test_the_pdfs_and_the_json_export_download_and_are_logged(privacy_officer, history):
    client = login(privacy_officer, language="en")
    for name, kind in (("privacy:trail-pdf", "%PDF"), ("privacy:report-pdf", "%PDF"), ("privacy:export-pdf", "%PDF")):
        response = client.get(reverse(name, args=[history.patient_id]))
        assert response.content.startswith(kind.encode()), name
        assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("privacy:export-json", args=[history.patient_id]))
    assert response["Content-Type"] == "application/json"
    assert response.json()["patient_id"] == history.patient_id
    actions = list(AuditEntry.objects.filter(patient_id=history.patient_id).values_list("action", flat=True))
    assert actions.count("privacy.patient.exported") == 2
    assert "privacy.audit_trail.exported" in actions and "privacy.access_report.exported" in actions


def test_the_audit_viewer_filtered_by_a_patient_links_to_the_access_report(privacy_officer, history):
    response = login(privacy_officer, language="en").get(reverse("audit:list"), {"patient": history.number})
    assert reverse("privacy:report", args=[history.patient_id]) in response.content.decode()
