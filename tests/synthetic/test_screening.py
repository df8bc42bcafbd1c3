"""The synthetic generator's screening part: results scored by the real engine, the assignment workflow consistent
with the stay's department (A-3…A-6), code corrections, and the app's own pages and selectors on them (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Stay
from screening.instruments.engine import score
from screening.models import AssignmentDecision, CodeCorrection, ScreeningResult, ScreeningSetting
from screening.selectors_assignment import stay_assignment
from tests.synthetic.conftest import TODAY
from tests.synthetic.test_people import seeded_snapshot

pytestmark = pytest.mark.django_db


def last_day(stay: Stay) -> datetime.date | None:
    if stay.status == "invited":
        return None
    return min(TODAY - datetime.timedelta(days=1), stay.discharge_date)


def test_settings_and_results_scored_as_the_engine_scores(synthetic_small):
    assert ScreeningSetting.objects.filter(facility__name__startswith="Synthetische Klinik").count() == 4
    results = list(ScreeningResult.objects.select_related("stay", "instrument"))
    assert results
    assert {r.status for r in results} >= {"positive", "negative"}
    for result in results:
        result.full_clean()
        completed = timezone.localdate(result.completed_at)
        assert completed <= TODAY
        if result.channel == "patient_link":
            assert completed < result.stay.admission_date
        else:
            assert result.stay.admission_date <= completed <= last_day(result.stay)
        if result.status in {"positive", "negative"}:
            again = score(result.instrument.definition, result.answers, result.rule)
            assert again.status == result.status
            assert again.total == result.total
            assert (
                result.answers["age"]
                == result.stay.admission_date.year - Stay.objects.get(pk=result.stay_id).patient.birth_date.year
            )


def test_assignment_consistent_with_the_department(synthetic_small):
    decisions = list(
        AssignmentDecision.objects.select_related("stay", "screening", "motivation", "contraindication_check")
    )
    assert decisions
    for decision in decisions:
        stay = decision.stay
        decision.full_clean()
        assert stay.status != "invited"
        assert stay.admission_date <= decision.decided_on <= last_day(stay)
        assert decision.decision == ("assign" if stay.department_code == "3197" else "not_assign")
        assert decision.motivation.recorded_on <= decision.decided_on
        assert decision.contraindication_check.checked_on <= decision.decided_on
        positive = decision.screening is not None and decision.screening.status == "positive"
        if decision.decision == "assign":
            assert decision.contraindication_check.clear
            assert positive or decision.need_assessment is not None
        elif positive:
            assert decision.reason
    assert not Stay.objects.filter(status="invited", decisions__isnull=False).exists()
    assert not Stay.objects.filter(status="invited", motivations__isnull=False).exists()
    for correction in CodeCorrection.objects.select_related("decision", "stay"):
        assert correction.stay.department_code == "3197"
        assert correction.decision.decided_on <= correction.corrected_on <= last_day(correction.stay)


def test_selectors_and_pages_work_on_the_rows(synthetic_small, client, django_assert_max_num_queries):
    stays = Stay.objects.exclude(status="invited").filter(decisions__isnull=False).order_by("pk")
    states = set()
    for stay in stays:
        with django_assert_max_num_queries(8):
            state = stay_assignment(stay, TODAY)
        assert state.current_decision is not None
        states.add(state.start_state)
    assert "met" in states
    stay = stays.filter(status="admitted").first()
    member = stay.care_team.get(function="primary_therapist").user
    client.force_login(member)
    assert client.get(reverse("screening:result-list", args=[stay.pk])).status_code == 200
    assert client.get(reverse("cases:overview", args=[stay.pk])).status_code == 200


def test_same_seed_same_screening(db):
    def snapshot():
        return list(
            ScreeningResult.objects.order_by("stay__number").values_list(
                "stay__number", "status", "total", "channel", "completed_at"
            )
        ) + list(AssignmentDecision.objects.order_by("stay__number").values_list("stay__number", "decided_on"))

    first = seeded_snapshot(snapshot, stays=40, facilities=1, seed=5, per_year=150)
    assert first
    assert seeded_snapshot(snapshot, stays=40, facilities=1, seed=5, per_year=150) == first
