"""The quarterly screening-quota report through its services: a hand-built Q1 2026 of 34 stays with known answers,
idempotence, notifications, documents, and the report pages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.core import mail
from django.urls import reverse

from screening.instruments.loader import load_definition
from screening.models import (
    AssignmentDecision,
    CodeCorrection,
    InstrumentVersion,
    NeedAssessment,
    QuotaReport,
    ReportStatus,
)
from screening.services.entry import result_not_possible
from screening.services.reports import QuarterNotOver, report_build, report_mark_shared, report_request_build
from screening.services.results import result_record
from tests.factories import PatientFactory, StayFactory
from wmr.models import AuditEntry, Notification

D = dt.date
AFTER_Q1 = D(2026, 4, 1)
BERLIN = dt.timezone(dt.timedelta(hours=1))  # CET: every completion below is in winter time

# SIMBO-C DEMO-1 answers (T1: 87 points → positive; T2: 16 points → negative; T5: limitation missing → incomplete)
POSITIVE = {
    "age": 52,
    "employment_status": "unemployed",
    "sick_leave_now": "yes",
    "sick_leave_12m": "3_to_6_months",
    "limitation": 7,
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}
NEGATIVE = {
    "age": 35,
    "employment_status": "full_time",
    "sick_leave_now": "no",
    "sick_leave_12m": "under_3_weeks",
    "limitation": 3,
    "prognosis": "stay_in_job",
    "motivation": "partly",
}
INCOMPLETE = {key: value for key, value in POSITIVE.items() if key != "limitation"}
ANSWERS = {"positive": POSITIVE, "negative": NEGATIVE, "incomplete": INCOMPLETE}


@pytest.fixture
def eager():
    """Tasks run in-process (the PostgreSQL leg of CI has a broker, so Celery is not eager there by default)."""
    from wmr.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def simbo(db):
    """The shipped DEMO SIMBO-C definition, loaded through the loader (a migration may already have stored it)."""
    definition = load_definition("simbo_c_demo_1.json")
    version, _created = InstrumentVersion.objects.get_or_create(
        code=definition["code"],
        version=definition["version"],
        defaults={
            "variant": definition.get("variant", ""),
            "name_de": definition["name_de"],
            "name_en": definition["name_en"],
            "definition": definition,
        },
    )
    assert version.definition["items"] == definition["items"]
    return version


@pytest.fixture
def quarter(facility, other_facility, simbo, make_stay, treating_psychologist, social_worker):
    """Build the quarter. Each stay: (number, admission, discharge, allocated code, screenings as (day, status),
    decisions as (day, decision, is_switch), need assessment source, correction day). Day 1 = admission day."""
    rule = simbo.definition["cutoff_presets"][0]["rule"]  # simbo_27: score ≥ 27

    def day(stay, n):
        return stay.admission_date + dt.timedelta(days=n - 1)

    def build(number, admission, discharge, code, screenings=(), decisions=(), need=None, corrected=None, **kw):
        team = kw.pop("team", False)
        fac = kw.pop("facility", facility)
        if team:
            stay = make_stay(
                number=number,
                admission_date=admission,
                discharge_date=discharge,
                department_code=code,
                facility=fac,
                patient=PatientFactory(facility=fac),
            )
        else:
            stay = StayFactory(
                number=number,
                admission_date=admission,
                discharge_date=discharge,
                department_code=code,
                patient=PatientFactory(facility=fac),
            )
        for n, status in screenings:
            completed = dt.datetime.combine(day(stay, n), dt.time(10, 0), tzinfo=BERLIN)
            if status == "not_possible":
                result_not_possible(
                    by=treating_psychologist, stay=stay, reason="language", completed_at=completed, now=completed
                )
            else:
                result = result_record(
                    stay=stay,
                    instrument=simbo,
                    answers=ANSWERS[status],
                    rule=rule,
                    preset_code="simbo_27",
                    channel="staff",
                    by=treating_psychologist,
                    completed_at=completed,
                )
                assert result.status == status
        if need:
            NeedAssessment.objects.create(stay=stay, source=need, assessed_on=day(stay, 2), reason=f"need of {number}")
        first = None
        for n, decision, is_switch in decisions:
            made = AssignmentDecision.objects.create(
                stay=stay,
                decision=decision,
                decided_on=day(stay, n),
                effective_from=day(stay, n),
                is_switch=is_switch,
                reason="switch" if is_switch else "",
            )
            first = first or made
        if corrected:
            CodeCorrection.objects.create(
                stay=stay,
                decision=first,
                from_code=code,
                to_code=first.target_code,
                corrected_on=day(stay, corrected),
                reference="301-" + number,
            )
        return stay

    jan, feb, mar = D(2026, 1, 12), D(2026, 2, 2), D(2026, 3, 2)
    assign3 = [(3, "assign", False)]
    # A01–A20: WMR stays admitted and discharged in Q1 (the 2.7 denominator)
    for i in range(1, 11):  # A01–A10: positive on day 1, assign day 3, allocated 3197 (no §301 task)
        build(f"A{i:02d}", jan, D(2026, 2, 20), "3197", [(1, "positive")], assign3, team=(i == 1))
    # A11–A14: allocated 3100 → §301 task due day 7: corrected day 7 (in time), day 8 (late), never (open), day 5
    for i, corrected in zip(range(11, 15), (7, 8, None, 5), strict=True):
        build(f"A{i:02d}", feb, D(2026, 3, 13), "3100", [(1, "positive")], assign3, corrected=corrected)
    # A15 (T25): negative day 1, positive re-screen day 10, assign day 12 → index = day 10, positive.
    # Allocated 3100 and the first decision only on day 12: the §301 task was due day 7; corrected day 13 → late.
    build(
        "A15", feb, D(2026, 3, 20), "3100", [(1, "negative"), (10, "positive")], [(12, "assign", False)], corrected=13
    )
    build("A16", feb, D(2026, 3, 20), "3197", [(1, "negative")], assign3, need="medical_admission_interview")
    build("A17", feb, D(2026, 3, 20), "3197", [(2, "not_possible")], assign3, need="primary_therapist_interview")
    build("A18", feb, D(2026, 3, 20), "3197", [(1, "incomplete")], assign3, need="medical_admission_interview")
    # A19: only complete result on day 9, after the assignment on day 3 → index = day 9 (positive), but not at start
    build("A19", feb, D(2026, 3, 20), "3197", [(9, "positive")], assign3)
    # A20: allocated 3197, never screened, no decision recorded → final code 3197, in the denominator, "none"
    build("A20", feb, D(2026, 3, 20), "3197")
    # B01–B08: no WMR at the end of the stay, admitted and discharged in Q1
    for i in range(1, 6):
        build(f"B{i:02d}", jan, D(2026, 2, 20), "3100", [(1, "negative")], [(2, "not_assign", False)])
    build("B06", jan, D(2026, 2, 20), "3100", [(1, "positive")], [(3, "not_assign", False)])
    # B07 (T23): positive, assigned day 3, switched out day 20 → final 3100, not in the denominator; one switch out
    build("B07", jan, D(2026, 2, 27), "3197", [(1, "positive")], [(3, "assign", False), (20, "not_assign", True)])
    # B08: screened on day 8 → not screened at start
    build("B08", jan, D(2026, 2, 20), "3100", [(8, "negative")], [(9, "not_assign", False)])
    # C01–C03: WMR stays still running at the quarter's end (provisional)
    build("C01", mar, D(2026, 4, 17), "3197", [(1, "positive")], [(2, "assign", False)], team=True)
    build("C02", mar, D(2026, 4, 17), "3197", [(1, "negative")], assign3, need="medical_admission_interview")
    # C03: switch into WMR on day 16 after a positive re-screen on day 15
    build(
        "C03",
        mar,
        None,
        "3100",
        [(1, "negative"), (15, "positive")],
        [(2, "not_assign", False), (16, "assign", True)],
    )
    # D01: admitted in December, discharged in January → in the share, not in the admission-time counts
    build("D01", D(2025, 12, 1), D(2026, 1, 9), "3197", [(1, "positive")], assign3)
    # D02: admitted in Q2; D03: another facility → in nothing
    build("D02", D(2026, 4, 6), D(2026, 5, 11), "3197", [(1, "negative")], assign3)
    build("D03", feb, D(2026, 3, 20), "3197", [(1, "negative")], assign3, facility=other_facility)
    return facility


def test_the_hand_built_quarter_gives_every_figure(quarter, manager):
    report = report_build(facility=quarter, year=2026, quarter=1, by=manager, today=AFTER_Q1)
    f = report.figures
    assert report.status == ReportStatus.DONE
    assert (f["first_day"], f["last_day"]) == ("2026-01-01", "2026-03-31")
    # admitted in Q1: A01–A20, B01–B08, C01–C03 = 31 (D01 was admitted in December, D02 in April, D03 elsewhere)
    assert f["admitted"] == 31
    # complete result by day 7: A01–A16 (16), B01–B07 (7), C01–C03 (3) = 26; not: A17 (not possible),
    # A18 (incomplete), A19 (day 9), A20 (none), B08 (day 8). Rate 26/31 = 83.87… → 83.9
    assert (f["screened_at_start"], f["screened_rate"]) == (26, "83.9")
    # any positive result: A01–A15, A19 (16), B06, B07 (2), C01, C03 (2) = 20
    assert f["positive"] == 20
    # latest decision assign: A01–A19 (19), C01–C03 (3) = 22 (A20 has no decision, B07 switched out)
    assert f["assigned"] == 22
    # share: discharged in Q1 with final code 3197: A01–A20 + D01 = 21; positive index: A01–A15, A19, D01 = 17
    # 17/21 = 80.95 % → "81.0"; 4 × 17 = 68 > 63 = 3 × 21 → met
    assert f["share"] == {"numerator": 17, "denominator": 21, "percent": "81.0", "outcome": "met"}
    assert f["without_positive"] == [
        {
            "number": "A16",
            "status": "negative",
            "need_source": "medical_admission_interview",
            "need_reason": "need of A16",
        },
        {
            "number": "A17",
            "status": "not_possible",
            "need_source": "primary_therapist_interview",
            "need_reason": "need of A17",
        },
        {
            "number": "A18",
            "status": "incomplete",
            "need_source": "medical_admission_interview",
            "need_reason": "need of A18",
        },
        {"number": "A20", "status": "none", "need_source": "", "need_reason": ""},
    ]
    # switches decided in Q1: C03 into WMR, B07 out of WMR
    assert f["switches"] == {"into": 1, "out": 1, "total": 2}
    # §301 corrections of stays admitted in Q1: A11 day 7 and A14 day 5 in time; A12 day 8 and A15 day 13 late;
    # A13 open. Everything else had no mismatch.
    assert f["corrections"] == {"in_time": 2, "late": 2, "open": 1}
    # running WMR stays: C01 (positive), C02 (negative), C03 (positive re-screen before the switch in) → 2/3
    assert f["provisional"] == {"numerator": 2, "denominator": 3, "percent": "66.7", "numbers": ["C01", "C02", "C03"]}


def test_building_twice_stores_one_report_and_notifies_once(quarter, manager, treating_psychologist, social_worker):
    first = report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    hashes = (first.pdf_sha256, first.csv_sha256)
    second = report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    assert second.pk == first.pk
    assert QuotaReport.objects.count() == 1
    assert (second.pdf_sha256, second.csv_sha256) == hashes
    assert hashlib.sha256(bytes(second.pdf)).hexdigest() == hashes[0]
    assert AuditEntry.objects.filter(action="screening.report.built").count() == 1
    # management + the care team of A01/C01 (psychologist and social worker) — once each, in-app and by e-mail
    notified = set(Notification.objects.filter(key=f"quota-report-{first.pk}").values_list("user__username", flat=True))
    assert notified == {manager.username, treating_psychologist.username, social_worker.username}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (manager, treating_psychologist, social_worker) if u.email
    )


def test_nobody_outside_management_and_the_wmr_teams_is_notified(
    quarter, privacy_officer, other_team_clinician, admin_user
):
    report = report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    for user in (privacy_officer, other_team_clinician, admin_user):
        assert not Notification.objects.filter(user=user, key=f"quota-report-{report.pk}").exists()


def test_the_csv_has_a_header_a_row_per_figure_and_a_row_per_stay_without_positive_screening(quarter):
    report = report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    rows = list(csv.reader(io.StringIO(bytes(report.csv).decode("utf-8-sig")), delimiter=";"))
    figures = {row[1]: row[2] for row in rows[1:] if row[0] == "figure"}
    assert figures["admitted"] == "31"
    assert figures["share_outcome"]
    stays = [row[3:] for row in rows if row[0] == "wmr_without_positive"]
    assert [s[0] for s in stays] == ["A16", "A17", "A18", "A20"]
    assert stays[0][2:] == ["medical_admission_interview", "need of A16"]
    # pseudonymous: no patient name anywhere
    names = {s.patient.last_name for s in quarter.stays.select_related("patient")}
    assert not any(name in bytes(report.csv).decode("utf-8-sig") for name in names)
    assert report.pdf.startswith(b"%PDF") if isinstance(report.pdf, bytes) else bytes(report.pdf).startswith(b"%PDF")


def test_an_empty_quarter_is_not_applicable(facility):
    report = report_build(facility=facility, year=2025, quarter=4, today=AFTER_Q1)
    assert report.figures["share"] == {"numerator": 0, "denominator": 0, "percent": None, "outcome": "not_applicable"}


def test_a_quarter_that_has_not_ended_cannot_be_built(facility, manager):
    with pytest.raises(QuarterNotOver):
        report_build(facility=facility, year=2026, quarter=1, today=D(2026, 3, 31))
    with pytest.raises(QuarterNotOver):
        report_request_build(facility=facility, year=2026, quarter=2, by=manager, today=AFTER_Q1)
    assert not QuotaReport.objects.exists()


def test_t26_marking_as_shared_keeps_the_first_date(facility, manager):
    report = report_build(facility=facility, year=2026, quarter=1, today=AFTER_Q1)
    at = dt.datetime(2026, 4, 14, 9, 0, tzinfo=dt.UTC)
    report_mark_shared(report=report, by=manager, shared_at=at)
    report_mark_shared(report=report, by=manager, shared_at=at + dt.timedelta(days=3))
    report.refresh_from_db()
    assert report.shared_at == at
    assert AuditEntry.objects.filter(action="screening.report.shared").count() == 1


def test_request_build_queues_on_commit(facility, manager, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = report_request_build(facility=facility, year=2025, quarter=4, by=manager, today=AFTER_Q1)
    assert len(callbacks) >= 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


# pages


@pytest.fixture
def built(facility):
    return report_build(facility=facility, year=2025, quarter=4, today=AFTER_Q1)


def test_the_list_shows_the_facilitys_reports(client_for, manager, built):
    response = client_for(manager).get(reverse("screening:report-list"))
    assert response.status_code == 200
    assert b"4/2025" in response.content


def test_another_facilitys_report_answers_404(client_for, other_facility, built):
    from tests.factories import UserFactory

    stranger = UserFactory(role="management", facilities=[other_facility])
    client = client_for(stranger)
    assert client.get(reverse("screening:report-detail", args=[built.pk])).status_code == 404
    assert client.get(reverse("screening:report-pdf", args=[built.pk])).status_code == 404
    assert built.pk not in [r.pk for r in client.get(reverse("screening:report-list")).context["reports"]]


def test_downloads_are_the_stored_bytes_and_audit_logged(client_for, manager, built):
    client = client_for(manager)
    pdf = client.get(reverse("screening:report-pdf", args=[built.pk]))
    csv_response = client.get(reverse("screening:report-csv", args=[built.pk]))
    assert hashlib.sha256(pdf.content).hexdigest() == built.pdf_sha256
    assert hashlib.sha256(csv_response.content).hexdigest() == built.csv_sha256
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="screening.report.downloaded").count() == 2


def test_build_now_queues_and_the_status_fragment_reports_done(
    client_for, manager, facility, eager, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("screening:report-build"), {"facility": facility.pk, "year": 2025, "quarter": 4})
    assert response.status_code == 302
    report = QuotaReport.objects.get()
    status = client.get(reverse("screening:report-status", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 200
    assert b"hx-trigger" not in status.content  # done: polling stops


def test_build_now_for_a_running_quarter_is_a_form_error_not_a_500(client_for, manager, facility):
    response = client_for(manager).post(
        reverse("screening:report-build"), {"facility": facility.pk, "year": 2099, "quarter": 1}
    )
    assert response.status_code == 200
    assert not QuotaReport.objects.exists()


def test_mark_shared_from_the_page(client_for, manager, built):
    response = client_for(manager).post(reverse("screening:report-share", args=[built.pk]))
    assert response.status_code == 302
    built.refresh_from_db()
    assert built.shared_at is not None


def test_the_notification_list_marks_read(client_for, quarter, manager):
    report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    client = client_for(manager)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    note = Notification.objects.get(user=manager)
    assert note.title.encode() in page.content or b"2026" in page.content
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_answers_404(client_for, quarter, manager, other_team_clinician):
    report_build(facility=quarter, year=2026, quarter=1, today=AFTER_Q1)
    note = Notification.objects.get(user=manager)
    assert client_for(other_team_clinician).post(reverse("notifications:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_beat_runs_on_the_first_day_of_each_quarter_at_six_berlin(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["screening-quota-reports"]
    schedule = entry["schedule"]
    assert entry["task"] == "screening.tasks.build_last_quarter_reports"
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {6}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"


def test_the_beat_task_builds_last_quarter_for_every_facility(facility, other_facility, eager):
    from screening.tasks import build_last_quarter_reports

    ids = build_last_quarter_reports()
    assert QuotaReport.objects.filter(pk__in=ids).count() == 2
    assert build_last_quarter_reports() == ids  # idempotent
