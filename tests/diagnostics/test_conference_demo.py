"""The team-conference part of the demo: weekly conferences (two met, one with two professions not met), the §9.1
stay discussed with decided flags and planned therapies; loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from diagnostics.demo import load_diagnostics_demo
from diagnostics.demo_conference import load_conference_demo
from diagnostics.models import ConferenceCase, ConferenceFlag, PlannedTherapy, TeamConference
from diagnostics.rules_conference import WeekState
from diagnostics.selectors_conference import facility_weekly_conferences, stay_conference_state
from patients.demo import ADMIN_GROUP, load_demo
from screening.demo import load_screening_demo


@pytest.fixture
def demo_clinic(db):
    today = timezone.localdate()
    load_demo()
    load_screening_demo(today=today)
    load_diagnostics_demo(today)
    return today


def test_the_demo_has_weekly_conferences_and_discusses_the_worked_profile(demo_clinic):
    assert load_conference_demo(demo_clinic) == 3
    facility = TeamConference.objects.first().facility
    dates = sorted(TeamConference.objects.values_list("held_on", flat=True))
    weeks = facility_weekly_conferences(facility, start=dates[0], end=demo_clinic)
    states = [w.state for w in weeks]
    assert states[:2] == [WeekState.NOT_MET, WeekState.MET]
    assert states[2] == WeekState.MET
    case = ConferenceCase.objects.get()
    assert case.stay.patient.last_name == "Braun"
    assert ConferenceFlag.objects.filter(case=case, decision="dismissed", dimension="flexibility").exists()
    assert PlannedTherapy.objects.filter(stay=case.stay).count() == 3
    state = stay_conference_state(case.stay, demo_clinic)
    assert state.due.state == "met"
    assert not state.newer_comparison


def test_the_admin_group_may_manage_the_therapy_catalogue(demo_clinic):
    load_conference_demo(demo_clinic)
    codenames = set(Group.objects.get(name=ADMIN_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_therapycatalogueitem", "change_therapycatalogueitem", "view_therapycatalogueitem"} <= codenames


def test_loading_the_conference_demo_again_changes_nothing(demo_clinic):
    load_conference_demo(demo_clinic)
    before = (TeamConference.objects.count(), ConferenceFlag.objects.count(), PlannedTherapy.objects.count())
    assert load_conference_demo(demo_clinic) == 0
    assert (TeamConference.objects.count(), ConferenceFlag.objects.count(), PlannedTherapy.objects.count()) == before
