"""The workplace-training part of the demo clinic: one WMR stay with a plan, three sub-goals (achieved, partly,
open), two situations, three strategies; loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from patients.demo import load_demo
from screening.demo import load_screening_demo
from screening.selectors_assignment import stay_assignment
from therapy.demo_training import load_training_demo
from therapy.models import TrainingPlan
from therapy.selectors_training import stay_training_state


@pytest.fixture
def demo_clinic(db):
    today = timezone.localdate()
    load_demo()
    load_screening_demo(today=today)
    return today


def test_the_demo_gives_one_wmr_stay_a_complete_training(demo_clinic):
    assert load_training_demo(demo_clinic) == 1
    plan = TrainingPlan.objects.get()
    assert stay_assignment(plan.stay, demo_clinic).current_decision.decision == "assign"
    state = stay_training_state(plan.stay)
    assert sorted(s.result for s in state.subgoals) == ["open", "partly", "yes"]
    assert all(s.verification for s in state.subgoals)
    assert (len(state.situations), len(state.strategies)) == (2, 3)
    assert plan.profile_basis


def test_loading_the_demo_training_again_changes_nothing(demo_clinic):
    load_training_demo(demo_clinic)
    assert load_training_demo(demo_clinic) == 0
    assert TrainingPlan.objects.count() == 1
    assert stay_training_state(TrainingPlan.objects.get().stay).counts.total == 3


def test_without_a_wmr_decision_no_training_is_made(db):
    load_demo()
    assert load_training_demo(timezone.localdate()) == 0
    assert not TrainingPlan.objects.exists()
