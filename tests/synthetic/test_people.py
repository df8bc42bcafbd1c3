"""The synthetic generator's people part: facilities, staff, patients, stays, care teams with guardian permissions,
consents and external contacts (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from patients.models import Consent, ExternalContact, Facility, Patient, Stay, StayUserObjectPermission
from patients.selectors import stays_visible_to
from patients.validators import validate_ik, validate_kvnr
from staff.models import Role, User
from synthetic import people
from tests.synthetic.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_facilities_staff_and_logins(synthetic_small):
    assert people.already_seeded()
    facilities = list(Facility.objects.filter(name__startswith="Synthetische Klinik").order_by("name"))
    assert [f.name for f in facilities] == ["Synthetische Klinik 1", "Synthetische Klinik 2"]
    for facility in facilities:
        validate_ik(facility.ik_number)
        staff = User.objects.filter(facilities=facility)
        assert staff.filter(role=Role.CLINICIAN, profession="psychologist").count() == 10
        assert staff.filter(role=Role.CLINICIAN, profession="physician").count() == 5
        assert staff.filter(role=Role.CLINICIAN, profession="nurse").count() == 2
        assert staff.filter(role=Role.MANAGEMENT).count() == 1
        assert staff.filter(role=Role.PRIVACY_OFFICER).count() == 1
    user = User.objects.get(username="syn1-psychologist-01")
    assert user.check_password("Synth-Klinik-2026")
    assert User.objects.get(username="syn2-leitung").role == Role.MANAGEMENT


def test_patients_stays_and_care_teams(synthetic_small):
    stays = Stay.objects.filter(facility__name__startswith="Synthetische Klinik")
    assert stays.count() == 60
    assert Patient.objects.count() == 60
    for stay in stays.select_related("patient"):
        assert stay.patient.facility_id == stay.facility_id
        assert stay.discharge_date >= stay.admission_date
        assert len(stay.number) <= 20
        if stay.status == "invited":
            assert stay.admission_date > TODAY
        else:
            assert stay.admission_date <= TODAY
        if stay.patient.kvnr:
            validate_kvnr(stay.patient.kvnr)
        team = list(stay.care_team.all())
        assert sorted(m.function for m in team) == sorted(
            ["primary_therapist", "physician", "social_worker", "occupational_therapist", "physiotherapist"]
        )
        assert {m.user.facilities.get().pk for m in team} == {stay.facility_id}
        granted = StayUserObjectPermission.objects.filter(content_object=stay)
        assert granted.count() == 2 * len(team)
    assert set(stays.values_list("status", flat=True)) >= {"invited", "admitted", "discharged"}


def test_care_team_member_sees_the_stay_others_get_404(synthetic_small, client):
    stay = Stay.objects.filter(status="admitted", facility__name="Synthetische Klinik 1").order_by("pk").first()
    member = stay.care_team.get(function="primary_therapist").user
    outsider = (
        User.objects.filter(profession="psychologist", facilities=stay.facility_id)
        .exclude(memberships__stay=stay)
        .first()
    )
    assert stay in stays_visible_to(member)
    assert stay not in stays_visible_to(outsider)
    url = reverse("cases:overview", args=[stay.pk])
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404


class _Rollback(Exception):
    pass


def seeded_snapshot(snapshot, **kwargs):
    """Seed (``seed_synthetic`` with ``kwargs``), take ``snapshot()``, roll the data set back: the database allows
    one synthetic data set at a time."""
    result = []
    try:
        with transaction.atomic():
            call_command("seed_synthetic", today=TODAY, verbosity=0, **kwargs)
            result = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_same_seed_same_people(db):
    def snapshot():
        return list(
            Stay.objects.order_by("number").values_list(
                "number",
                "patient__last_name",
                "patient__first_name",
                "patient__birth_date",
                "admission_date",
                "payer",
                "care_team__user__username",
            )
        )

    first = seeded_snapshot(snapshot, stays=30, facilities=1, seed=5)
    assert len(first) == 30 * 5
    assert seeded_snapshot(snapshot, stays=30, facilities=1, seed=5) == first
    assert seeded_snapshot(snapshot, stays=30, facilities=1, seed=6) != first


def test_consents_and_contacts_within_the_stay(synthetic_small):
    stays = list(Stay.objects.prefetch_related("consents", "contacts"))
    with_consent = 0
    for stay in stays:
        last = min(TODAY - datetime.timedelta(days=1), stay.discharge_date)
        consents = list(stay.consents.all())
        if stay.status == "invited":
            assert consents == []
            assert {c.source for c in stay.contacts.all()} <= {"patient_link"}
            continue
        for consent in consents:
            consent.full_clean()
            assert stay.admission_date <= consent.given_on <= last
            assert consent.withdrawn_on is None or consent.withdrawn_on <= last
        for contact in stay.contacts.all():
            contact.full_clean()
            assert contact.created_at.date() <= last
            if contact.kind == "occupational_physician":
                assert any(c.kind == "occupational_physician" for c in consents)
        with_consent += any(c.kind == "health_data" for c in consents)
    assert with_consent >= 0.8 * sum(s.status != "invited" for s in stays)
    assert ExternalContact.objects.filter(kind="employer").exists()
    assert Consent.objects.filter(kind="employer").exists()
