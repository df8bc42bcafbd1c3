"""The return-to-work plan (rec 8.13, 8.14, 10.4–10.6): versions like the goal agreement, stakeholders only with the
patient's valid consent of the matching kind, and the state the case overview shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from patients import services as patient_services
from patients.models import ConsentKind, ContactKind, ExternalContact
from reintegration.errors import (
    RtwDraftPending,
    RtwPlanExists,
    RtwPlanLocked,
    RtwRefused,
    StakeholderConsentMissing,
)
from reintegration.models import RtwPlan, RtwStakeholder, RtwStatus, StakeholderKind
from reintegration.selectors_rtw import rtw_contact_log, stay_rtw_history, stay_rtw_state
from reintegration.services import rtw as services
from wmr.models import AuditEntry

GIVEN = dt.date(2026, 11, 3)
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def plan(stay, social_worker) -> RtwPlan:
    return services.rtw_plan_start(
        by=social_worker, stay=stay, integration_goal="adapted_job", goal_detail="Back to the warehouse, no nights"
    )


def _consent(stay, by, kind=ConsentKind.EMPLOYER, given_on=GIVEN):
    return patient_services.consent_give(by=by, stay=stay, kind=kind, given_on=given_on)


def _step(plan, by, text="Graded return from 04.01.2027"):
    return services.rtw_step_add(by=by, plan=plan, text=text, due_on=dt.date(2027, 1, 4), responsible="patient")


# --- versions ----------------------------------------------------------------------------------------------------


def test_starting_makes_version_1_as_a_draft_with_one_audit_row(plan, stay, social_worker):
    assert (plan.version, plan.status, plan.integration_goal) == (1, RtwStatus.DRAFT, "adapted_job")
    assert AuditEntry.objects.filter(action="reintegration.rtw.started", stay_id=stay.pk).count() == 1


def test_a_second_plan_is_refused_because_a_change_is_a_new_version(plan, stay, social_worker):
    with pytest.raises(RtwPlanExists):
        services.rtw_plan_start(by=social_worker, stay=stay, integration_goal="same_job")
    assert RtwPlan.objects.filter(stay=stay).count() == 1


def test_editing_a_draft_keeps_the_earlier_wording_in_the_history(plan, social_worker):
    services.rtw_plan_update(by=social_worker, plan=plan, integration_goal="other_job", goal_detail="Office work")
    plan.refresh_from_db()
    assert plan.integration_goal == "other_job"
    assert plan.history.earliest().integration_goal == "adapted_job"


def test_agreeing_needs_a_step(plan, social_worker):
    with pytest.raises(RtwRefused) as excinfo, translation.override("en"):
        services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=TODAY, today=TODAY)
    assert "at least one step" in excinfo.value.message
    plan.refresh_from_db()
    assert plan.status == RtwStatus.DRAFT


@pytest.mark.parametrize(
    ("agreed_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "The agreement date lies in the future."),
        (dt.date(2026, 11, 1), "The plan cannot be agreed before the admission on 02.11.2026."),
    ],
)
def test_an_impossible_agreement_date_is_refused(plan, social_worker, agreed_on, message):
    _step(plan, social_worker)
    with pytest.raises(RtwRefused) as excinfo, translation.override("en"):
        services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=agreed_on, today=TODAY)
    assert excinfo.value.message == message
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_on) == (RtwStatus.DRAFT, None)


def test_an_agreed_version_is_locked(plan, social_worker):
    step = _step(plan, social_worker)
    services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=TODAY, today=TODAY)
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_on) == (RtwStatus.AGREED, TODAY)
    with pytest.raises(RtwPlanLocked):
        services.rtw_step_add(by=social_worker, plan=plan, text="Another step")
    with pytest.raises(RtwPlanLocked):
        services.rtw_plan_update(by=social_worker, plan=plan, integration_goal="pension")
    step.refresh_from_db()
    with pytest.raises(RtwPlanLocked):
        services.rtw_step_update(by=social_worker, step=step, text="changed")
    with pytest.raises(RtwPlanLocked):
        services.rtw_step_remove(by=social_worker, step=step)
    assert plan.steps.get().text == "Graded return from 04.01.2027"


def test_a_change_makes_the_next_version_and_the_agreed_one_stays_until_it_is_agreed(plan, stay, social_worker):
    _consent(stay, social_worker)
    _step(plan, social_worker)
    services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", role="HR", today=TODAY)
    services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=dt.date(2026, 11, 20), today=TODAY)
    plan.refresh_from_db()
    new = services.rtw_plan_revise(by=social_worker, plan=plan)
    assert (new.version, new.status, new.previous) == (2, RtwStatus.DRAFT, plan)
    assert [s.text for s in new.steps.all()] == ["Graded return from 04.01.2027"]
    assert [(s.kind, s.role) for s in new.stakeholders.all()] == [("employer", "HR")]
    state = stay_rtw_state(stay, TODAY)
    assert (state.agreed, state.draft, state.current) == (plan, new, new)
    with pytest.raises(RtwDraftPending):
        services.rtw_plan_revise(by=social_worker, plan=plan)

    with pytest.raises(RtwRefused) as excinfo, translation.override("en"):
        services.rtw_plan_agree(by=social_worker, plan=new, agreed_on=dt.date(2026, 11, 19), today=TODAY)
    assert "before the version it replaces (agreed on 20.11.2026)" in excinfo.value.message
    services.rtw_plan_agree(by=social_worker, plan=new, agreed_on=TODAY, today=TODAY)
    plan.refresh_from_db()
    assert plan.status == RtwStatus.SUPERSEDED
    assert plan.steps.count() == 1  # the old version keeps its steps
    assert stay_rtw_state(stay, TODAY).agreed == new


def test_only_the_agreed_version_can_be_revised(plan, social_worker):
    with pytest.raises(RtwRefused):
        services.rtw_plan_revise(by=social_worker, plan=plan)


def test_a_step_cannot_be_due_before_the_admission(plan, social_worker):
    with pytest.raises(RtwRefused) as excinfo, translation.override("en"):
        services.rtw_step_add(by=social_worker, plan=plan, text="Too early", due_on=dt.date(2026, 10, 30))
    assert excinfo.value.message == "A step cannot be due before the admission on 02.11.2026."
    assert plan.steps.count() == 0


def test_steps_are_numbered_and_removing_one_keeps_it_in_the_history(plan, stay, social_worker):
    first = _step(plan, social_worker, "Apply for vocational rehab")
    second = _step(plan, social_worker, "Talk to the employer")
    assert (first.position, second.position) == (1, 2)
    services.rtw_step_remove(by=social_worker, step=first)
    assert [s.text for s in plan.steps.all()] == ["Talk to the employer"]
    history = stay_rtw_history(stay)
    assert any(entry.kind == "deleted" and "Apply for vocational rehab" in entry.record for entry in history)


# --- stakeholders and consent -------------------------------------------------------------------------------------


def test_the_employer_without_consent_is_refused_with_the_reason(plan, social_worker):
    with pytest.raises(StakeholderConsentMissing) as excinfo, translation.override("en"):
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)
    assert excinfo.value.message == (
        "The patient has not consented to contact with the employer. Please record the consent first."
    )
    assert plan.stakeholders.count() == 0
    assert not AuditEntry.objects.filter(action="reintegration.rtw.stakeholder_added").exists()


def test_a_withdrawn_consent_is_refused_naming_the_withdrawal_date(plan, stay, social_worker):
    consent = _consent(stay, social_worker)
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=dt.date(2026, 11, 20))
    with pytest.raises(StakeholderConsentMissing) as excinfo, translation.override("en"):
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)
    assert excinfo.value.message == (
        "The patient has not consented to contact with the employer: the consent was withdrawn on 20.11.2026."
    )
    assert plan.stakeholders.count() == 0


def test_a_consent_given_after_today_does_not_count(plan, stay, social_worker):
    _consent(stay, social_worker, given_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(StakeholderConsentMissing):
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)


@pytest.mark.parametrize(
    ("kind", "consent_kind"),
    [
        (StakeholderKind.EMPLOYER, ConsentKind.EMPLOYER),
        (StakeholderKind.OCCUPATIONAL_PHYSICIAN, ConsentKind.OCCUPATIONAL_PHYSICIAN),
        (StakeholderKind.BEM, ConsentKind.OCCUPATIONAL_PHYSICIAN),
        (StakeholderKind.INTEGRATION_SERVICE, ConsentKind.INTEGRATION_SERVICE),
        (StakeholderKind.EMPLOYMENT_AGENCY, ConsentKind.EMPLOYMENT_AGENCY),
        (StakeholderKind.PENSION_CASE_MANAGEMENT, ConsentKind.PAYER),
    ],
)
def test_each_stakeholder_needs_the_consent_of_its_own_kind(plan, stay, social_worker, kind, consent_kind):
    for other in ConsentKind.values:
        if other != consent_kind:
            _consent(stay, social_worker, kind=other)
    with pytest.raises(StakeholderConsentMissing):
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind=kind, today=TODAY)
    consent = _consent(stay, social_worker, kind=consent_kind)
    stakeholder = services.rtw_stakeholder_add(by=social_worker, plan=plan, kind=kind, today=TODAY)
    assert stakeholder.consent == consent


def test_a_stakeholder_is_tied_to_the_valid_consent_and_may_name_a_contact_of_its_kind(plan, stay, social_worker):
    _consent(stay, social_worker)
    contact = patient_services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    stakeholder = services.rtw_stakeholder_add(
        by=social_worker, plan=plan, kind="employer", contact=contact, role=" Talk about adapted work ", today=TODAY
    )
    assert (stakeholder.contact, stakeholder.role) == (contact, "Talk about adapted work")
    assert AuditEntry.objects.filter(action="reintegration.rtw.stakeholder_added", stay_id=stay.pk).count() == 1


def test_a_contact_of_another_kind_or_stay_is_refused(plan, stay, social_worker, make_stay):
    _consent(stay, social_worker)
    doctor = patient_services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.FAMILY_DOCTOR, person="Dr. Haus")
    )
    elsewhere = patient_services.contact_save(
        by=social_worker, contact=ExternalContact(stay=make_stay(), kind=ContactKind.EMPLOYER, organisation="Other")
    )
    for contact in (doctor, elsewhere):
        with pytest.raises(RtwRefused):
            services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", contact=contact, today=TODAY)
    assert plan.stakeholders.count() == 0


def test_a_stakeholder_is_listed_once(plan, stay, social_worker):
    _consent(stay, social_worker)
    services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)
    with pytest.raises(RtwRefused) as excinfo, translation.override("en"):
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)
    assert "listed in this plan already" in excinfo.value.message


def test_a_plan_whose_stakeholder_consent_was_withdrawn_cannot_be_agreed(plan, stay, social_worker):
    consent = _consent(stay, social_worker)
    _step(plan, social_worker)
    stakeholder = services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=dt.date(2026, 11, 5))
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=dt.date(2026, 11, 21))
    assert [p.stakeholder for p in stay_rtw_state(stay, TODAY).consent_problems] == [stakeholder]
    with pytest.raises(StakeholderConsentMissing) as excinfo, translation.override("en"):
        services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=TODAY, today=TODAY)
    assert "withdrawn on 21.11.2026" in excinfo.value.message
    # agreed before the withdrawal it was fine
    services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=dt.date(2026, 11, 20), today=TODAY)
    plan.refresh_from_db()
    assert plan.status == RtwStatus.AGREED


def test_removing_a_stakeholder_from_a_draft(plan, stay, social_worker):
    _consent(stay, social_worker)
    stakeholder = services.rtw_stakeholder_add(by=social_worker, plan=plan, kind="employer", today=TODAY)
    services.rtw_stakeholder_remove(by=social_worker, stakeholder=stakeholder)
    assert not RtwStakeholder.objects.filter(pk=stakeholder.pk).exists()
    assert AuditEntry.objects.filter(action="reintegration.rtw.stakeholder_removed", stay_id=stay.pk).count() == 1


# --- state and contact log ----------------------------------------------------------------------------------------


def test_the_state_says_documented_only_once_a_version_is_agreed(stay, social_worker):
    assert stay_rtw_state(stay, TODAY).current is None
    assert not stay_rtw_state(stay, TODAY).documented
    plan = services.rtw_plan_start(by=social_worker, stay=stay, integration_goal="job_search")
    _step(plan, social_worker)
    assert not stay_rtw_state(stay, TODAY).documented
    services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=TODAY, today=TODAY)
    assert stay_rtw_state(stay, TODAY).documented


def test_the_state_costs_three_queries_whatever_the_plan_holds(stay, social_worker, django_assert_num_queries):
    for kind in ConsentKind.values:
        _consent(stay, social_worker, kind=kind)
    plan = services.rtw_plan_start(by=social_worker, stay=stay, integration_goal="same_job")
    for n in range(5):
        _step(plan, social_worker, f"Step {n}")
    for kind in StakeholderKind.values:
        services.rtw_stakeholder_add(by=social_worker, plan=plan, kind=kind, today=TODAY)
    agreed = services.rtw_plan_agree(by=social_worker, plan=plan, agreed_on=TODAY, today=TODAY)
    services.rtw_plan_revise(by=social_worker, plan=agreed)
    # plans (with previous and author), steps, stakeholders (with consent and contact)
    with django_assert_num_queries(3):
        state = stay_rtw_state(stay, TODAY)
        assert len(state.steps) == 5 and len(state.stakeholders) == 6 and not state.consent_problems


def test_the_contact_log_lists_employer_and_company_medical_service_only(stay, social_worker):
    for kind in (ConsentKind.EMPLOYER, ConsentKind.OCCUPATIONAL_PHYSICIAN, ConsentKind.TREATING_PRACTITIONERS):
        _consent(stay, social_worker, kind=kind)
    made = []
    for kind in (ContactKind.EMPLOYER, ContactKind.BEM_CONTACT, ContactKind.OCCUPATIONAL_PHYSICIAN, "family_doctor"):
        contact = patient_services.contact_save(
            by=social_worker, contact=ExternalContact(stay=stay, kind=kind, organisation=kind)
        )
        made.append(
            patient_services.contact_event_record(
                by=social_worker, contact=contact, on=dt.date(2026, 11, 10), channel="phone", purpose="other"
            )
        )
    assert set(rtw_contact_log(stay)) == set(made[:3])
