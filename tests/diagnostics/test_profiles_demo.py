"""The diagnostics part of the demo: the worked profile §9.1 on one WMR stay (1 marked overload, 4 overloads, rated
by two professions, rec 4.1 met), one stay short of rec 4.1; loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from diagnostics.demo import load_diagnostics_demo
from diagnostics.models import DiagnosticSession, Profile, ProfileRating
from diagnostics.selectors import stay_diagnostics_state
from diagnostics.selectors_comparison import stay_comparisons
from patients.demo import load_demo
from screening.demo import load_screening_demo


@pytest.fixture
def demo_clinic(db):
    today = timezone.localdate()
    load_demo()
    load_screening_demo(today=today)
    return today


def test_the_demo_shows_the_worked_profile_and_a_stay_short_of_4_1(demo_clinic):
    assert load_diagnostics_demo(demo_clinic) == 2
    capacity = Profile.objects.get(kind="capacity")
    stay = capacity.stay
    assert (stay.patient.first_name, stay.patient.last_name) == ("Katharina", "Braun")
    state = stay_diagnostics_state(stay, demo_clinic)
    assert state.start.state == "met"
    assert {d.code: d.state for d in state.due} == {
        "diagnostics_at_start": "done",
        "capacity_profile": "done",
        "demand_profile": "done",
    }
    assert state.capacity_admission.rated == 13 and state.capacity_admission.warning is None
    assert state.demand.rated == 13 and state.demand.warning is None
    comparison = stay_comparisons(stay).admission.comparison
    statuses = [row.status for row in comparison.rows]
    assert statuses.count("overload_marked") == 1
    assert statuses.count("overload") == 4
    short = DiagnosticSession.objects.exclude(stay=stay).get().stay
    assert stay_diagnostics_state(short, demo_clinic).start.state in {"open", "overdue"}


def test_loading_the_diagnostics_demo_again_changes_nothing(demo_clinic):
    load_diagnostics_demo(demo_clinic)
    before = (DiagnosticSession.objects.count(), Profile.objects.count(), ProfileRating.objects.count())
    assert load_diagnostics_demo(demo_clinic) == 0
    assert (DiagnosticSession.objects.count(), Profile.objects.count(), ProfileRating.objects.count()) == before
