"""Personas and shared fixtures (STYLE.md 17): treating_psychologist, social_worker, other_team_clinician, manager,
privacy_officer, admin_user, anonymous. ``stay`` is a stay on whose care team the treating psychologist and the
social worker are; the other-team clinician works in the same facility but on another team."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from patients import services
from patients.models import TeamFunction
from staff.models import Profession, Role
from tests.factories import FacilityFactory, PatientFactory, StayFactory, UserFactory
from tests.two_factor_support import mark_verified


@pytest.fixture(autouse=True)
def _strict_audit_codes(monkeypatch):
    """Every audit action code a test writes must have its translated label (the audit viewer shows it)."""
    from wmr import audit

    monkeypatch.setattr(audit, "STRICT", True)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests run in the clinic's language unless they switch, and hash passwords fast: PBKDF2's million rounds
    would cost half a second per user. Production keeps Django's default hashers."""
    settings.LANGUAGE_CODE = "de"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate-limit counters of the patient link live in the cache
    yield
    cache.clear()


@pytest.fixture
def facility(db):
    return FacilityFactory(name="Klinik am Kurpark", short_name="KaK", ik_number="260500001")


@pytest.fixture
def other_facility(db):
    return FacilityFactory(name="Klinik am See", short_name="KaS", ik_number="260500002")


@pytest.fixture
def treating_psychologist(facility):
    return UserFactory(
        username="psych",
        first_name="Paula",
        last_name="Psych",
        profession=Profession.PSYCHOLOGIST,
        facilities=[facility],
    )


@pytest.fixture
def social_worker(facility):
    return UserFactory(
        username="social",
        first_name="Sven",
        last_name="Sozial",
        profession=Profession.SOCIAL_WORKER,
        facilities=[facility],
    )


@pytest.fixture
def other_team_clinician(facility):
    return UserFactory(
        username="other", first_name="Otto", last_name="Anders", profession=Profession.PHYSICIAN, facilities=[facility]
    )


@pytest.fixture
def treating_physician(facility):
    """A physician of the clinic; ``physician_on_team`` puts her on the stay's care team (physicians sign letters and
    approve step plans)."""
    return UserFactory(
        username="doc",
        title="Dr. med.",
        first_name="Dora",
        last_name="Doktor",
        profession=Profession.PHYSICIAN,
        facilities=[facility],
    )


@pytest.fixture
def physician_on_team(stay, treating_physician):
    services.careteam_add(by=treating_physician, stay=stay, user=treating_physician, function=TeamFunction.PHYSICIAN)
    return treating_physician


@pytest.fixture
def manager(facility):
    return UserFactory(username="manager", role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[facility])


@pytest.fixture
def privacy_officer(facility):
    return UserFactory(
        username="privacy", role=Role.PRIVACY_OFFICER, profession=Profession.OTHER, facilities=[facility]
    )


@pytest.fixture
def admin_user(facility):
    """The admin role as the demo clinic sets it up: staff-site access with the rights on staff accounts and
    facilities (a group), not a superuser."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Administration")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["staff", "patients"], content_type__model__in=["user", "facility"]
        )
    )
    user = UserFactory(
        username="admin", role=Role.ADMIN, profession=Profession.OTHER, facilities=[facility], is_staff=True
    )
    user.groups.add(group)
    return user


@pytest.fixture
def make_stay(facility, treating_psychologist, social_worker):
    """Factory for stays with a care team (psychologist as primary therapist, social worker) set up by services."""

    def make(team=None, **kwargs):
        kwargs.setdefault("patient", PatientFactory(facility=kwargs.get("facility", facility)))
        stay = StayFactory(**kwargs)
        members = (
            team
            if team is not None
            else [(treating_psychologist, TeamFunction.PRIMARY_THERAPIST), (social_worker, TeamFunction.SOCIAL_WORKER)]
        )
        for user, function in members:
            services.careteam_add(by=user, stay=stay, user=user, function=function)
        return stay

    return make


@pytest.fixture
def stay(make_stay):
    return make_stay()


def login(user, language: str | None = None) -> Client:
    """A logged-in client; ``language="en"`` is the UI's language switch (German otherwise, like the clinic)."""
    from django.conf import settings

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mark_verified(client, user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def client_for():
    return login
