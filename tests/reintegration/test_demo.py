"""The return-to-work part of the demo clinic: Helen (hamburg_model.md 11.1) and Tristan (11.2) with their sick leave,
work situation, triggers and Helen's draft return-to-work plan; loading it again writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from patients.demo import load_demo
from patients.models import DocumentKind, Stay
from reintegration.demo import au_before_admission, load_reintegration_demo
from reintegration.models import (
    ConsentState,
    DischargeLetter,
    GradedReturnPlan,
    IntegrationGoal,
    LetterStatus,
    PlanParty,
    PlanStatus,
    PlanTaskKind,
    RtwPlan,
    RtwStatus,
    SickLeavePeriod,
    StakeholderKind,
    TriggerExamination,
    TriggerKind,
    WorkSituation,
)
from reintegration.selectors_indicators import stay_facts, stay_rtw_indicators
from wmr.indicators import IndicatorState
from wmr.models import AuditEntry


def reintegration_rows() -> dict[str, int]:
    rows = {m._meta.label: m._default_manager.count() for m in apps.get_app_config("reintegration").get_models()}
    rows["audit"] = AuditEntry.objects.count()
    return rows


@pytest.fixture
def demo(db):
    today = timezone.localdate()
    load_demo(today=today)
    return today


def stay_of(first_name: str) -> Stay:
    return Stay.objects.get(patient__first_name=first_name)


def test_the_demo_fills_helen_tristan_and_two_discharged_stays(demo):
    assert load_reintegration_demo(today=demo) == 4


def test_loading_the_reintegration_demo_again_writes_nothing(demo):
    load_reintegration_demo(today=demo)
    before = reintegration_rows()
    assert load_reintegration_demo(today=demo) == 0
    assert reintegration_rows() == before


def test_without_the_demo_clinic_nothing_is_written(db):
    assert load_reintegration_demo(today=timezone.localdate()) == 0
    assert not SickLeavePeriod.objects.exists()


def test_helen_has_91_days_of_au_before_admission_that_trigger_bem_and_the_graded_return(demo):
    load_reintegration_demo(today=demo)
    helen = stay_of("Helen")
    period = SickLeavePeriod.objects.get(stay=helen)
    assert (period.starts_on, period.ends_on) == au_before_admission(helen.admission_date, 91)
    assert period.ends_on == helen.admission_date - dt.timedelta(days=1)
    verdict = stay_facts(helen, demo).sick_leave
    assert verdict.calendar_days == 91
    assert verdict.bem is True  # > 42 (B-4)
    assert verdict.grtw_due is True  # ≥ 90 (K-1, H15)
    situation = WorkSituation.objects.get(stay=helen)
    assert (situation.working_days_per_week, situation.hours_per_day) == (5, 8)


def test_helen_has_bem_examined_and_the_graded_return_left_open_for_the_plan(demo):
    load_reintegration_demo(today=demo)
    helen = stay_of("Helen")
    assert list(TriggerExamination.objects.filter(stay=helen).values_list("kind", flat=True)) == [TriggerKind.BEM]
    assert not GradedReturnPlan.objects.filter(stay=helen).exists()  # the browser journey builds it


def test_helen_has_a_draft_return_to_work_plan_with_employer_and_occupational_physician(demo):
    load_reintegration_demo(today=demo)
    plan = RtwPlan.objects.get(stay=stay_of("Helen"))
    assert (plan.status, plan.integration_goal) == (RtwStatus.DRAFT, IntegrationGoal.SAME_JOB)
    assert plan.steps.count() == 3
    stakeholders = {s.kind: s for s in plan.stakeholders.select_related("contact", "consent")}
    assert set(stakeholders) == {StakeholderKind.EMPLOYER, StakeholderKind.OCCUPATIONAL_PHYSICIAN}
    for stakeholder in stakeholders.values():
        assert stakeholder.contact is not None
        assert stakeholder.consent.is_valid_on(demo)


def test_tristan_has_60_days_of_au_that_trigger_bem_only(demo):
    load_reintegration_demo(today=demo)
    tristan = stay_of("Tristan")
    verdict = stay_facts(tristan, demo).sick_leave
    assert (verdict.calendar_days, verdict.bem, verdict.grtw_due) == (60, True, False)  # TR5
    assert not TriggerExamination.objects.filter(stay=tristan).exists()  # the BEM task stays open
    assert "lehnt" in WorkSituation.objects.get(stay=tristan).note
    assert not RtwPlan.objects.filter(stay=tristan).exists()


def test_the_employers_refusal_leaves_tristans_plan_not_started_with_the_task_to_talk_again_tr1(demo):
    load_reintegration_demo(today=demo)
    tristan = stay_of("Tristan")
    plan = GradedReturnPlan.objects.get(stay=tristan)
    assert plan.status == PlanStatus.NOT_STARTED
    refusal = plan.consents.get(party=PlanParty.EMPLOYER)
    assert refusal.state == ConsentState.REFUSED
    task = plan.tasks.get()
    assert task.kind == PlanTaskKind.TALK_AGAIN
    assert task.due_on == refusal.on + dt.timedelta(days=14)  # TR1: two weeks later
    assert task.due_on > demo and task.done_on is None  # still open on the case overview


def test_two_discharged_wmr_stays_have_a_signed_letter_one_with_its_copies_handed_over(demo):
    from screening.demo import load_screening_demo

    load_screening_demo(today=demo)  # the WMR decisions, so the indicators apply
    load_reintegration_demo(today=demo)
    monika, nicole = stay_of("Monika"), stay_of("Nicole")
    for stay in (monika, nicole):
        letter = DischargeLetter.objects.get(stay=stay)
        assert letter.status == LetterStatus.SIGNED
        assert letter.document.kind == DocumentKind.DISCHARGE_LETTER
        assert bytes(letter.document.content).startswith(b"%PDF")
    handed = DischargeLetter.objects.get(stay=monika)
    assert handed.copies_handed_over_on == monika.discharge_date
    indicators = stay_rtw_indicators(monika, demo).by_key
    assert indicators["two_discharge_copies"].state == IndicatorState.MET
    assert indicators["sociomedical_appraisal_when_limited"].state == IndicatorState.NOT_APPLICABLE
    limited = stay_rtw_indicators(nicole, demo).by_key
    assert limited["vocational_rehab_recommended_when_limited"].state == IndicatorState.MET
    assert limited["sociomedical_appraisal_when_limited"].state == IndicatorState.MET
    assert limited["two_discharge_copies"].state == IndicatorState.NOT_MET  # the copies are still to be made
