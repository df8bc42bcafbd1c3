"""The goal-agreement part of the demo clinic: the WMR stays get agreements, one of them two versions after a
review; loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from goals.demo import load_goals_demo
from goals.models import GoalAgreement, GoalReview
from goals.selectors import stay_goals_state
from patients.demo import load_demo
from screening.demo import load_screening_demo


@pytest.fixture
def demo_clinic(db):
    today = timezone.localdate()
    load_demo()
    load_screening_demo(today=today)
    return today


def test_the_demo_gives_wmr_stays_agreements_and_one_a_second_version(demo_clinic):
    count = load_goals_demo(demo_clinic)
    assert count >= 3
    assert GoalAgreement.objects.filter(version=2, status="agreed").count() == 1
    v1 = GoalAgreement.objects.get(next_version__isnull=False)
    assert v1.status == "superseded" and v1.goals.count() == 3
    assert GoalReview.objects.filter(new_version__isnull=False).count() == 1
    states = [stay_goals_state(a.stay, demo_clinic) for a in GoalAgreement.objects.filter(version=1)]
    assert {s.first_week_state for s in states} >= {"met"}
    assert any(not s.copy_handed_over for s in states) and any(s.copy_handed_over for s in states)


def test_loading_the_goals_demo_again_changes_nothing(demo_clinic):
    load_goals_demo(demo_clinic)
    before = (GoalAgreement.objects.count(), GoalReview.objects.count())
    assert load_goals_demo(demo_clinic) == 0
    assert (GoalAgreement.objects.count(), GoalReview.objects.count()) == before


def test_without_a_wmr_decision_no_agreement_is_made(db):
    load_demo()
    assert load_goals_demo(timezone.localdate()) == 0
    assert not GoalAgreement.objects.exists()
