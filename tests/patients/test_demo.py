"""The demo clinic (``manage.py load_demo``): idempotent, loaded through the services, logins that really work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from patients import demo as demo_module
from patients import services
from patients.errors import ConsentMissing
from patients.models import (
    Consent,
    ConsentKind,
    ContactKind,
    DepartmentCode,
    EmploymentStatus,
    ExternalContact,
    Facility,
    Patient,
    Payer,
    Stay,
    StayStatus,
)
from patients.selectors import stays_visible_to, valid_consent
from staff.models import Role, User
from tests.two_factor_support import mark_verified
from wmr.models import AuditEntry


# The real hasher costs ~0.25 s per check; the login form works the same with a cheap one.
def fast_hasher():
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@dataclass(frozen=True)
class LoadedDemo:
    output: str
    today: dt.date


def run_load_demo(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> dict[str, str]:
    """username → password from the table the command prints (the rows after the dashed line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---")) + 1
    logins = {}
    for line in lines[start:]:
        if not line.strip():
            break
        username, password = line.split()[:2]
        logins[username] = password
    return logins


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def form_login(username: str, password: str, client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies.clear()  # a fresh, anonymous session
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    assert response["Location"] == reverse("cases:worklist")
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    return client


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo clinic, loaded once for this module (loading through the services takes about a second).

    It lives in an outer transaction that is rolled back when the module is done; each test's own transaction
    (the ``db`` fixture) nests inside it, so no test sees another test's changes and no other module sees the demo.
    """
    with django_db_blocker.unblock(), fast_hasher(), transaction.atomic():
        today = timezone.localdate()
        yield LoadedDemo(output=run_load_demo(), today=today)
        transaction.set_rollback(True)


def test_a_second_run_adds_no_row_to_any_table_and_prints_the_logins_again(db, demo):
    before = row_counts()
    second = run_load_demo()
    assert row_counts() == before
    assert "demo data already loaded" in second
    assert "demo data already loaded" not in demo.output
    expected = {s.username: demo_module.DEMO_PASSWORD for s in demo_module.STAFF}
    assert printed_logins(demo.output) == expected
    assert printed_logins(second) == expected
    assert "demo only" in demo.output
    assert "demo only" in second


def test_every_demo_user_logs_in_with_the_printed_password_through_the_login_form(db, demo):
    logins = printed_logins(demo.output)
    assert len(logins) == len(demo_module.STAFF)
    client = Client()  # one client for all: each new one loads the middleware (WhiteNoise scans static/) again
    with fast_hasher():
        for username, password in logins.items():
            form_login(username, password, client)


def test_the_demo_password_passes_the_password_validators():
    for spec in demo_module.STAFF:
        user = User(username=spec.username, first_name=spec.first_name, last_name=spec.last_name)
        validate_password(demo_module.DEMO_PASSWORD, user)


def test_the_psychologists_worklist_shows_helen_and_tristan(db, demo):
    with fast_hasher():
        client = form_login("psychologin", printed_logins(demo.output)["psychologin"])
    response = client.get(reverse("cases:worklist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berger, Helen" in html
    assert "Keller, Tristan" in html
    assert response.context["page"].paginator.count == 15
    helen = Stay.objects.get(patient__last_name="Berger", patient__first_name="Helen")
    assert client.get(reverse("cases:overview", args=[helen.pk])).status_code == 200


def test_every_role_exists_and_the_admin_manages_staff_and_facilities_without_being_superuser(db, demo):
    demo_users = User.objects.filter(username__in=[s.username for s in demo_module.STAFF])
    assert set(demo_users.values_list("role", flat=True)) == set(Role.values)
    assert not demo_users.filter(is_superuser=True).exists()
    assert list(demo_users.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN
    assert admin.groups.filter(name=demo_module.ADMIN_GROUP).exists()
    with fast_hasher():
        client = form_login("admin", demo_module.DEMO_PASSWORD)
    mark_verified(client, admin)  # issue 9: the admin role confirms its login with a second factor
    assert client.get(reverse("admin:staff_user_changelist")).status_code == 200
    facility = Facility.objects.get(ik_number=demo_module.FACILITIES[0].ik_number)
    assert client.get(reverse("admin:patients_facility_change", args=[facility.pk])).status_code == 200
    assert not stays_visible_to(admin).exists()


def test_the_demo_went_through_the_services_with_audit_rows_and_object_permissions(db, demo):
    assert AuditEntry.objects.filter(action="patients.stay.created").count() == len(demo_module.PATIENTS)
    assert AuditEntry.objects.filter(action="patients.consent.withdrawn").count() == 1
    assert stays_visible_to(User.objects.get(username=demo_module.DEMO_PSYCHOLOGIST)).count() == 15
    assert stays_visible_to(User.objects.get(username="psychologe")).count() == 5
    assert not stays_visible_to(User.objects.get(username="leitung")).exists()


def test_every_demo_record_passes_full_clean(db, demo):
    patients = list(Patient.objects.all())
    assert len(patients) == 20
    for patient in patients:
        patient.full_clean()
    assert sum(1 for p in patients if p.pension_insurance_number) >= 5
    for model in (Stay, Consent, ExternalContact, Facility):
        for obj in model.objects.all():
            obj.full_clean()


def test_the_demo_dates_follow_today_and_cover_every_status_and_department(db, demo):
    today = demo.today
    last_quarter_end = demo_module.quarter_start(today) - dt.timedelta(days=1)
    last_quarter_start = demo_module.quarter_start(last_quarter_end)
    stays = list(Stay.objects.all())
    assert {s.status for s in stays} == set(StayStatus.values)
    assert {s.department_code for s in stays} == set(DepartmentCode.values)
    for stay in stays:
        if stay.status == StayStatus.ADMITTED:
            assert today - dt.timedelta(days=30) <= stay.admission_date <= today - dt.timedelta(days=5)
        elif stay.status == StayStatus.INVITED:
            assert stay.admission_date > today
        else:
            assert last_quarter_start <= stay.discharge_date <= last_quarter_end


def test_the_previous_quarter_is_a_calendar_quarter():
    assert demo_module.previous_quarter_start(dt.date(2026, 3, 10)) == dt.date(2025, 10, 1)
    assert demo_module.previous_quarter_start(dt.date(2026, 4, 1)) == dt.date(2026, 1, 1)
    assert demo_module.previous_quarter_start(dt.date(2026, 12, 31)) == dt.date(2026, 7, 1)


def test_helen_is_the_wmr_burnout_case_with_employer_and_occupational_physician_consents(db, demo):
    helen = Stay.objects.get(patient__first_name="Helen", patient__last_name="Berger")
    assert helen.status == StayStatus.ADMITTED
    assert helen.department_code == DepartmentCode.WMR_INPATIENT
    assert helen.payer == Payer.DRV_BUND
    assert helen.employment_status == EmploymentStatus.EMPLOYED
    for kind in (ConsentKind.EMPLOYER, ConsentKind.OCCUPATIONAL_PHYSICIAN):
        assert valid_consent(helen, kind, demo.today) is not None
    kinds = set(helen.contacts.values_list("kind", flat=True))
    assert {ContactKind.EMPLOYER, ContactKind.OCCUPATIONAL_PHYSICIAN} <= kinds
    employer = helen.contacts.get(kind=ContactKind.EMPLOYER)
    # Hamburg model 11.1: three months of AU (91 days), ending the day before admission.
    au_to = helen.admission_date - dt.timedelta(days=1)
    au_from = au_to - dt.timedelta(days=90)
    assert f"AU {au_from:%d.%m.%Y} – {au_to:%d.%m.%Y} (91 Tage)" in employer.note
    assert employer.events.count() == 1


def test_tristan_has_an_employer_contact_that_may_not_be_contacted_without_consent(db, demo):
    tristan = Stay.objects.get(patient__first_name="Tristan", patient__last_name="Keller")
    assert tristan.department_code == DepartmentCode.PSYCHOSOMATICS
    assert not tristan.consents.filter(kind=ConsentKind.EMPLOYER).exists()
    employer = tristan.contacts.get(kind=ContactKind.EMPLOYER)
    assert "lehnt" in employer.note
    with pytest.raises(ConsentMissing):
        services.contact_event_record(
            by=User.objects.get(username="sozialarbeit"), contact=employer, on=demo.today, channel="phone"
        )
    assert not employer.events.exists()


def test_the_command_refuses_in_production_unless_forced(db, demo, settings):
    settings.PRODUCTION = True
    before = row_counts()
    with pytest.raises(CommandError):
        run_load_demo()
    assert row_counts() == before
    forced = run_load_demo("--force")
    assert printed_logins(forced)["psychologin"] == demo_module.DEMO_PASSWORD


def test_it_refuses_to_mix_into_a_database_where_only_part_of_the_demo_exists(db, demo):
    User.objects.filter(username="pflege").update(username="pflege-umbenannt")
    before = row_counts()
    with pytest.raises(CommandError):
        run_load_demo()
    assert row_counts() == before


def test_the_command_help_renders():
    from cases.management.commands.load_demo import Command

    assert "--force" in Command().create_parser("manage.py", "load_demo").format_help()
