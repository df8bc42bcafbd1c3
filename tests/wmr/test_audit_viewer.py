"""The privacy officer's audit viewer (/audit/) and its CSV export: access, rows, filters, paging, query budget."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from tests.factories import DEFAULT_PASSWORD, PatientFactory, UserFactory
from wmr import audit
from wmr.audit_views import export_header
from wmr.models import AuditEntry

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


def shown(response) -> list[AuditEntry]:
    return list(response.context["page"].object_list)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def officer(privacy_officer, client_for):
    return client_for(privacy_officer)


# --- access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize(
    "persona", ["treating_psychologist", "social_worker", "other_team_clinician", "manager", "admin_user"]
)
def test_nobody_but_the_privacy_officer_finds_the_audit_viewer(request, client_for, persona, url):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_the_privacy_officer_opens_the_viewer_and_the_export(officer, url):
    assert officer.get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_viewer_answers_404_to_a_refused_persona_without_writing_a_viewed_row(manager, client_for):
    client_for(manager).get(LIST)
    assert not AuditEntry.objects.filter(action="wmr.audit.viewed").exists()


# --- rows --------------------------------------------------------------------------------------------------------


def test_rows_are_newest_first_with_the_time_in_berlin(stay, treating_psychologist, officer):
    with freeze_time("2026-03-01 10:00:00+00:00"):
        older = audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    with freeze_time("2026-03-01 23:30:00+00:00"):
        newer = audit.log(stay, "patients.stay.history_viewed", user=treating_psychologist)
    response = officer.get(LIST, {"action": "patients.stay.viewed"})
    assert shown(response) == [older]
    response = officer.get(LIST, {"patient": stay.patient_id})
    rows = shown(response)
    assert rows.index(newer) < rows.index(older)
    html = response.content.decode()
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin (CET, UTC+1).
    assert "02.03.2026 00:30:00" in html
    assert "01.03.2026 11:00:00" in html


def test_a_row_shows_user_action_label_ids_address_path_and_details(stay, treating_psychologist, officer):
    entry = AuditEntry.objects.filter(action="patients.careteam.added", stay_id=stay.pk).first()
    response = officer.get(LIST, {"patient": stay.patient_id})
    html = response.content.decode()
    assert entry in shown(response)
    assert treating_psychologist.display_name in html
    assert str(audit.action_label("patients.careteam.added")) in html
    assert f"patients.careteammembership #{entry.object_id}" in html
    assert stay.number in html
    assert f"(#{stay.pk})" in html
    assert "function:" in html


def test_the_viewer_shows_ids_and_stay_numbers_but_never_patient_names(make_stay, officer):
    patient = PatientFactory(last_name="Vertraulich", first_name="Renate")
    stay = make_stay(patient=patient)
    html = officer.get(LIST).content.decode()
    assert stay.number in html
    assert "Vertraulich" not in html
    assert "Renate" not in html


def test_a_failed_login_shows_without_a_user_and_with_the_name_that_was_tried(client, officer):
    client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-password-1"})
    response = officer.get(LIST, {"action": "staff.login.failed"})
    (entry,) = shown(response)
    assert entry.user is None
    assert "nobody-here" in response.content.decode()


# --- filters -----------------------------------------------------------------------------------------------------


def test_it_filters_by_patient_id(make_stay, officer):
    mine, other = make_stay(), make_stay()
    rows = shown(officer.get(LIST, {"patient": str(mine.patient_id)}))
    assert rows
    assert {row.patient_id for row in rows} == {mine.patient_id}
    assert other.patient_id != mine.patient_id


def test_a_stay_number_finds_every_row_of_its_patient(make_stay, officer):
    first = make_stay()
    second = make_stay(patient=first.patient)
    unrelated = make_stay()
    response = officer.get(LIST, {"patient": f" {second.number} "})
    rows = shown(response)
    assert {row.stay_id for row in rows} == {first.pk, second.pk}
    assert unrelated.pk not in {row.stay_id for row in rows}
    html = response.content.decode()
    note = html[html.index('data-testid="audit-patient"') :].split("</p>")[0]
    assert second.number in note
    assert str(first.patient_id) in note


def test_an_unknown_stay_number_says_so_shows_no_rows_and_keeps_the_input(stay, officer):
    response = officer.get(LIST, {"patient": "2026-999999"})
    assert response.status_code == 200
    assert shown(response) == []
    html = response.content.decode()
    assert 'data-testid="filter-error"' in html
    assert 'value="2026-999999"' in html


@pytest.mark.parametrize("typed", ["9" * 30, "\u00b2", "<script>"])
def test_an_impossible_patient_id_is_a_form_error_not_a_500(officer, typed):
    response = officer.get(LIST, {"patient": typed})
    assert response.status_code == 200
    assert shown(response) == []
    assert 'data-testid="filter-error"' in response.content.decode()


def test_it_filters_by_user_name(stay, treating_psychologist, social_worker, officer):
    audit.log(stay, "patients.stay.viewed", user=social_worker)
    rows = shown(officer.get(LIST, {"user": "SOCIAL"}))
    assert rows
    assert {row.user_id for row in rows} == {social_worker.pk}


def test_the_user_filter_finds_failed_logins_by_the_name_that_was_tried(client, officer):
    client.post(reverse("login"), {"username": "mallory", "password": "wrong-password-1"})
    client.post(reverse("login"), {"username": "eve", "password": "wrong-password-1"})
    rows = shown(officer.get(LIST, {"user": "mallory"}))
    assert [row.data for row in rows] == [{"username": "mallory"}]


def test_it_filters_by_action(stay, treating_psychologist, officer):
    audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    rows = shown(officer.get(LIST, {"action": "patients.careteam.added"}))
    assert len(rows) == 2
    assert {row.action for row in rows} == {"patients.careteam.added"}


def test_an_unknown_action_is_a_form_error_not_a_500(officer):
    response = officer.get(LIST, {"action": "nonsense"})
    assert response.status_code == 200
    assert shown(response) == []
    assert 'data-testid="filter-error"' in response.content.decode()


def test_the_date_range_counts_whole_days_in_berlin(stay, treating_psychologist, officer):
    with freeze_time("2026-03-01 22:30:00+00:00"):  # 23:30 on 1 March in Berlin
        late_first = audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    with freeze_time("2026-03-01 23:30:00+00:00"):  # 00:30 on 2 March in Berlin
        early_second = audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    with freeze_time("2026-03-02 22:59:00+00:00"):  # 23:59 on 2 March in Berlin
        late_second = audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    with freeze_time("2026-03-02 23:00:00+00:00"):  # midnight, 3 March in Berlin
        third = audit.log(stay, "patients.stay.viewed", user=treating_psychologist)
    rows = shown(officer.get(LIST, {"date_from": "2026-03-02", "date_to": "2026-03-02"}))
    assert rows == [late_second, early_second]
    rows = shown(officer.get(LIST, {"date_to": "2026-03-01", "action": "patients.stay.viewed"}))
    assert rows == [late_first]
    rows = shown(officer.get(LIST, {"date_from": "2026-03-03", "action": "patients.stay.viewed"}))
    assert third in rows
    assert early_second not in rows


def test_a_malformed_date_is_a_form_error_not_a_500(officer):
    response = officer.get(LIST, {"date_from": "31.02.2026x"})
    assert response.status_code == 200
    assert shown(response) == []
    assert 'data-testid="filter-error"' in response.content.decode()


# --- paging and query budget -------------------------------------------------------------------------------------


def make_rows(n, stays, users):
    for i in range(n):
        audit.log(stays[i % len(stays)], "patients.stay.viewed", user=users[i % len(users)])


def test_the_viewer_pages_by_100(stay, treating_psychologist, officer):
    make_rows(150, [stay], [treating_psychologist])
    only_reads = {"action": "patients.stay.viewed"}  # leaves out the viewer's own rows, which would shift the pages
    first = officer.get(LIST, only_reads)
    second = officer.get(LIST, {**only_reads, "page": 2})
    assert len(shown(first)) == 100
    assert len(shown(second)) == 50
    assert not set(shown(first)) & set(shown(second))
    assert "action=patients.stay.viewed&amp;page=2" in first.content.decode()


# Expected queries of one page: session, user, the two-factor device that verified the session (django-otp), the
# page's rows plus one (user joined, stay number as a subquery; no count of the audit table, issue 10), the viewer's
# audit row, and the session renewal (savepoint, update, release: SESSION_SAVE_EVERY_REQUEST).
PAGE_QUERIES = 8


def test_the_viewer_costs_the_same_queries_for_1_or_300_rows(
    django_assert_max_num_queries, make_stay, treating_psychologist, social_worker, manager, officer
):
    stays = [make_stay(), make_stay()]
    users = [treating_psychologist, social_worker, manager]
    make_rows(1, stays, users)
    with django_assert_max_num_queries(PAGE_QUERIES) as few:
        response = officer.get(LIST)
    assert len(shown(response)) < 100
    make_rows(299, stays, users)
    with django_assert_max_num_queries(PAGE_QUERIES) as many:
        response = officer.get(LIST)
    rows = shown(response)
    assert len(rows) == 100
    assert {row.user_id for row in rows} >= {user.pk for user in users}
    assert {row.stay_number for row in rows} >= {stay.number for stay in stays}
    assert len(few) == len(many)


def test_a_stay_number_in_the_filter_costs_one_more_query(stay, officer, django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES + 1):
        officer.get(LIST, {"patient": stay.number, "user": "psych", "date_from": "2026-01-01"})


# --- the viewer's own audit row ----------------------------------------------------------------------------------


def test_opening_the_viewer_writes_a_viewed_row_with_the_filter_used(stay, privacy_officer, officer):
    officer.get(LIST, {"patient": stay.number, "action": "patients.stay.viewed", "page": "1", "user": ""})
    entry = AuditEntry.objects.get(action="wmr.audit.viewed")
    assert entry.user == privacy_officer
    assert entry.data == {"filter": {"patient": stay.number, "action": "patients.stay.viewed"}, "page": 1}
    assert entry.patient_id == stay.patient_id
    assert entry.path == LIST
    assert entry.ip_address == "127.0.0.1"


def test_the_viewers_own_row_appears_when_the_viewer_is_opened_again(privacy_officer, officer):
    officer.get(LIST)
    rows = shown(officer.get(LIST))
    assert rows[0].action == "wmr.audit.viewed"
    assert rows[0].user == privacy_officer


# --- CSV export --------------------------------------------------------------------------------------------------


def test_the_export_streams_the_filtered_rows_as_csv(make_stay, treating_psychologist, officer):
    stay, other = make_stay(), make_stay()
    with freeze_time("2026-03-01 23:30:00+00:00"):
        entry = audit.log(stay, "patients.stay.viewed", user=treating_psychologist, data={"tab": "team"})
    audit.log(other, "patients.stay.viewed", user=treating_psychologist)
    response = officer.get(EXPORT, {"patient": stay.number, "action": "patients.stay.viewed"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    header, *rows = csv_rows(response)
    assert len(header) == 12
    assert rows == [
        [
            "02.03.2026 00:30:00",
            "psych",
            str(audit.action_label("patients.stay.viewed")),
            "patients.stay.viewed",
            "patients.stay",
            str(stay.pk),
            str(stay.patient_id),
            str(stay.pk),
            stay.number,
            "",
            "",
            "tab=team",
        ]
    ]
    assert entry.pk


def test_the_export_headers_follow_the_language_via_gettext(officer, settings):
    german = csv_rows(officer.get(EXPORT))[0]  # the clinic's default language
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    english = csv_rows(officer.get(EXPORT))[0]
    assert english[:3] == ["Time", "User", "Action"]
    with translation.override("de"):
        assert german == export_header()
    assert german[0] != "Time"
    assert len(german) == len(english)


def test_the_export_is_audit_logged_with_its_filter(stay, privacy_officer, officer):
    response = officer.get(EXPORT, {"patient": str(stay.patient_id)})
    exported_rows = csv_rows(response)[1:]
    entry = AuditEntry.objects.get(action="wmr.audit.exported")
    assert entry.user == privacy_officer
    assert entry.data == {"filter": {"patient": str(stay.patient_id)}, "format": "csv"}
    assert entry.patient_id == stay.patient_id
    # The export shows the log as it was asked for: its own row is not in the file.
    assert "wmr.audit.exported" not in {row[3] for row in exported_rows}
    assert len(exported_rows) == AuditEntry.objects.filter(patient_id=stay.patient_id).count() - 1


def test_a_user_name_a_spreadsheet_would_compute_is_quoted_in_the_export(officer):
    # Django allows user names such as "-2+3"; Excel would run them as a formula.
    UserFactory(username="-2+3")
    Client().post(reverse("login"), {"username": "-2+3", "password": DEFAULT_PASSWORD})
    (row,) = csv_rows(officer.get(EXPORT, {"action": "staff.login.succeeded", "user": "-2+3"}))[1:]
    assert row[1] == "'-2+3"


def test_an_export_with_a_bad_filter_shows_the_form_error_and_exports_nothing(officer):
    response = officer.get(EXPORT, {"date_to": "gestern"})
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert 'data-testid="filter-error"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="wmr.audit.exported").exists()
