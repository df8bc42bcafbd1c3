"""Pseudonyms of stays for management (issue 8): HMAC of the stay id with the SECRET_KEY, and the name only for the
stay's care team."""

from __future__ import annotations

import hashlib
import hmac
import re

from compliance.pseudonyms import identify, identities, pseudonym, stays_on_team
from patients import services
from patients.models import TeamFunction


def test_a_pseudonym_is_p_dash_and_six_upper_case_hex_digits():
    assert re.fullmatch(r"P-[0-9A-F]{6}", pseudonym(42))


def test_the_pseudonym_is_the_hmac_sha256_of_the_stay_id_keyed_with_the_secret_key(settings):
    settings.SECRET_KEY = "k" * 50
    expected = hmac.new(b"k" * 50, b"stay:42", hashlib.sha256).hexdigest()[:6].upper()
    assert pseudonym(42) == f"P-{expected}"


def test_the_same_stay_always_gets_the_same_pseudonym():
    assert pseudonym(7) == pseudonym(7) == pseudonym("7")


def test_other_stays_get_other_pseudonyms():
    assert len({pseudonym(stay_id) for stay_id in range(1, 501)}) == 500


def test_another_key_gives_another_pseudonym_so_it_cannot_be_computed_without_the_secret():
    assert pseudonym(42, key="one key") != pseudonym(42, key="another key")


def test_the_pseudonym_follows_the_secret_key_setting(settings):
    settings.SECRET_KEY = "first-secret-key-" + "x" * 40
    first = pseudonym(42)
    settings.SECRET_KEY = "second-secret-key-" + "x" * 40
    assert pseudonym(42) != first


def test_the_pseudonym_contains_nothing_of_the_patient(stay):
    patient = stay.patient
    shown = identify(stay, on_team=False)
    text = f"{shown.number} {shown.pseudonym}"
    for part in (patient.last_name, patient.first_name, patient.last_name[:1] + patient.first_name[:1]):
        assert part not in text.replace(shown.pseudonym, "")
    assert shown.name is None and not shown.on_team


def test_the_care_team_sees_the_name(stay):
    shown = identify(stay, on_team=True)
    assert shown.name == f"{stay.patient.last_name}, {stay.patient.first_name}"
    assert shown.on_team
    assert shown.pseudonym == pseudonym(stay.pk) and shown.number == stay.number


def test_stays_on_team_are_those_whose_care_team_the_user_is_on(make_stay, treating_psychologist, social_worker):
    mine = make_stay()
    not_mine = make_stay(team=[(social_worker, TeamFunction.SOCIAL_WORKER)])
    assert stays_on_team(treating_psychologist, [mine.pk, not_mine.pk]) == {mine.pk}
    assert stays_on_team(social_worker, [mine.pk, not_mine.pk]) == {mine.pk, not_mine.pk}


def test_a_clinician_taken_off_the_team_no_longer_sees_the_name(stay, treating_psychologist):
    membership = stay.care_team.get(user=treating_psychologist)
    services.careteam_remove(by=treating_psychologist, membership=membership)
    assert stays_on_team(treating_psychologist, [stay.pk]) == set()


def test_management_is_on_no_care_team_and_sees_no_name(stay, manager):
    assert stays_on_team(manager, [stay.pk]) == set()
    assert identities(manager, [stay])[stay.pk].name is None


def test_a_manager_who_is_on_the_care_team_sees_the_name(stay, manager):
    services.careteam_add(by=manager, stay=stay, user=manager, function=TeamFunction.PHYSICIAN)
    assert identities(manager, [stay])[stay.pk].name == f"{stay.patient.last_name}, {stay.patient.first_name}"


def test_the_decision_for_a_page_of_stays_is_one_query(make_stay, treating_psychologist, django_assert_num_queries):
    stays = [make_stay() for _ in range(5)]
    with django_assert_num_queries(1):
        shown = identities(treating_psychologist, stays)
    assert all(shown[stay.pk].on_team for stay in stays)


def test_no_stays_need_no_query(treating_psychologist, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert stays_on_team(treating_psychologist, []) == set()
