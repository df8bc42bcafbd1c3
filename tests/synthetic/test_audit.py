"""The synthetic audit rows (synthetic/audit.py): as the app writes them, by the stay's care team, on the stay's days
(never after yesterday, nothing but the pre-admission rows for invited stays), and readable by the app's pages."""

import datetime
import random
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from patients.models import CareTeamMembership, Stay
from staff.models import Role, User
from synthetic.people import IK_PREFIX
from tests.two_factor_support import mark_verified
from wmr.audit import ACTIONS
from wmr.models import AuditEntry

from .conftest import TODAY

BERLIN = ZoneInfo("Europe/Berlin")
PRE_ADMISSION = {
    "patients.patient.created",
    "patients.stay.created",
    "patients.careteam.added",
    "patients.invitation.created",
    "patients.stay.viewed",
}


@pytest.fixture
def audit_rows(synthetic_small):
    stays = {stay.pk: stay for stay in Stay.objects.filter(facility__ik_number__startswith=IK_PREFIX)}
    rows = list(AuditEntry.objects.filter(stay_id__in=stays)) + list(
        AuditEntry.objects.filter(stay_id=None, patient_id__in=[s.patient_id for s in stays.values()])
    )
    return stays, rows


def test_rows_as_the_app_writes_them(audit_rows):
    stays, rows = audit_rows
    assert rows
    teams = defaultdict(set)
    for stay_id, user_id in CareTeamMembership.objects.filter(stay_id__in=stays).values_list("stay_id", "user_id"):
        teams[stay_id].add(user_id)
    usernames = dict(User.objects.values_list("pk", "username"))
    by_patient = {stay.patient_id: stay for stay in stays.values()}
    for row in rows:
        assert row.action in ACTIONS
        assert row.username == usernames[row.user_id]
        assert row.ip_address and row.path.startswith("/")
        stay = stays[row.stay_id] if row.stay_id else by_patient[row.patient_id]
        assert row.patient_id == stay.patient_id
        assert row.user_id in teams[stay.pk], row.action
        if row.object_type == "patients.stay":
            assert row.object_id == str(stay.pk)
        if row.action == "patients.patient.created":
            assert row.stay_id is None and row.object_id == str(stay.patient_id)
        if row.action == "patients.stay.viewed":
            assert row.path == f"/cases/stays/{stay.pk}/"


def test_rows_lie_in_the_stays_time(audit_rows):
    stays, rows = audit_rows
    by_patient = {stay.patient_id: stay for stay in stays.values()}
    per_stay = Counter()
    for row in rows:
        stay = stays[row.stay_id] if row.stay_id else by_patient[row.patient_id]
        per_stay[stay.pk] += 1
        day = row.at.astimezone(BERLIN).date()
        assert day <= TODAY
        assert row.at >= stay.created_at
        if stay.status == "invited":
            assert row.action in PRE_ADMISSION
            assert day < stay.admission_date
        elif row.action not in PRE_ADMISSION or day >= stay.admission_date:
            assert stay.admission_date <= day < TODAY
        if stay.status == "discharged":
            assert day <= stay.discharge_date
    discharged = [per_stay[pk] for pk, stay in stays.items() if stay.status == "discharged"]
    assert discharged and 20 <= sum(discharged) / len(discharged) <= 40  # about 30 per discharged stay
    invited = [per_stay[pk] for pk, stay in stays.items() if stay.status == "invited"]
    assert invited and max(invited) <= 9  # created, stay, five team members, invitation, a first look


def test_the_journeys_writes_of_a_discharged_wmr_stay(audit_rows):
    stays, rows = audit_rows
    stay = next(s for s in stays.values() if s.status == "discharged" and s.department_code == "3197")
    actions = Counter(row.action for row in rows if row.stay_id == stay.pk)
    assert actions["patients.careteam.added"] == 5
    assert actions["screening.assignment.decided"] == 1
    assert actions["reintegration.letter.signed"] == 1
    assert actions["patients.stay.changed"] == 2  # admitted, discharged
    assert actions["patients.stay.viewed"] >= 1


def test_the_privacy_officers_access_report_reads_them(audit_rows, client):
    stays, rows = audit_rows
    stay = next(s for s in stays.values() if s.status == "discharged")
    officer = User.objects.get(role=Role.PRIVACY_OFFICER, facilities=stay.facility_id)
    client.force_login(officer)
    mark_verified(client, officer)
    response = client.get(reverse("privacy:report", args=[stay.patient_id]))
    assert response.status_code == 200
    assert str(stay.number) in response.content.decode()


def test_a_stay_admitted_today_has_only_its_pre_admission_rows():
    from types import SimpleNamespace

    from synthetic import audit as part
    from synthetic.core import TEAM, Options, StayPlan

    options = Options(stays=1, facilities=1, seed=1, today=TODAY)
    plan = StayPlan(TODAY, TODAY + datetime.timedelta(days=34), "admitted", "3197", True, 1.0)
    created = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=BERLIN)
    stay = SimpleNamespace(pk=7, patient_id=3, created_at=created)
    team = {function: SimpleNamespace(pk=n + 1, username=f"u{n}") for n, function in enumerate(TEAM)}
    rows: list = []
    part.stay_rows(options, plan, stay, team, random.Random(1), rows)
    actions = {row[part.COLUMNS.index("action")] for row in rows}
    assert actions == PRE_ADMISSION
    assert all(row[0].date() < TODAY for row in rows)
