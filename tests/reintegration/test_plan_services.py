"""The graded plan's life cycle (hamburg_model.md §4, §6, §7) through its services: the worked cases H8–H14, TR1, TR4,
K-2, C-3, C-6 and H-6, refusals that store nothing, and one audit row per write.

Helen's stay: a DRV rehab discharged on Friday 13.02.2026; her six-step plan (the assumptions of
test_hamburg_rules.py) starts on Monday 02.03.2026, 17 days after discharge, so the pension insurance pays (row 3).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from patients import services as patient_services
from patients.models import ConsentKind, EmploymentStatus, Payer, Stay
from reintegration.errors import (
    CounselingIncomplete,
    EntitlementNotRecorded,
    OccupationalPhysicianConsentMissing,
    PhysicianOnly,
    PlanExists,
    PlanLocked,
    PlanNotReady,
    PlanRefused,
)
from reintegration.models import (
    DisabilityStatus,
    GradedReturnPlan,
    PlanConsent,
    PlanInterruption,
    PlanStatus,
    PlanStep,
    PlanTask,
    WorkSituation,
)
from reintegration.services import plan as services
from wmr.models import AuditEntry

D = dt.date
PLANNED_ON = D(2026, 2, 16)  # the day the plan is prepared and submitted (14 days' lead time)
START = D(2026, 3, 2)
TOPICS = ["content", "course", "financial_consequences", "coordination_with_employer"]
HELEN_STEPS = [
    (2, [{"days": 5, "hours": "2"}]),
    (2, [{"days": 5, "hours": "3"}]),
    (2, [{"days": 5, "hours": "4"}]),
    (2, [{"days": 3, "hours": "6"}, {"days": 2, "hours": "4"}]),
    (2, [{"days": 5, "hours": "6"}]),
    (3, [{"days": 2, "hours": "8"}, {"days": 3, "hours": "6"}]),
]


def actions(stay) -> list[str]:
    return list(
        AuditEntry.objects.filter(stay_id=stay.pk, action__startswith="reintegration.plan.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def make_helen_stay(make_stay):
    return make_stay(
        admission_date=D(2026, 1, 12), discharge_date=D(2026, 2, 13), status="discharged", payer=Payer.DRV_BUND
    )


def build_draft(stay, by):
    """Helen's six steps as a draft with the prerequisites and the counselling recorded (no consents yet)."""
    plan = services.plan_create(by=by, stay=stay, starts_on=START, today=PLANNED_ON)
    for weeks, pattern in HELEN_STEPS:
        services.step_add(by=by, plan=plan, weeks=weeks, pattern=pattern)
    services.prerequisites_record(
        by=by, plan=plan, on_sick_leave=True, partial_work_possible=True, workplace_allows=True
    )
    services.plan_update(
        by=by, plan=plan, values={"counseled_on": D(2026, 2, 10), "counseling_topics": TOPICS}, today=PLANNED_ON
    )
    return plan


def consent_all(plan, social_worker, physician, *, employer_state="given"):
    services.consent_record(
        by=social_worker, plan=plan, party="employee", state="given", on=D(2026, 2, 9), today=PLANNED_ON
    )
    services.consent_record(
        by=social_worker,
        plan=plan,
        party="employer",
        state=employer_state,
        on=D(2026, 2, 11),
        signed_by="Ms Weber (HR)" if employer_state == "given" else "",
        today=PLANNED_ON,
    )
    services.consent_record(
        by=physician, plan=plan, party="physician", state="given", on=D(2026, 2, 12), today=PLANNED_ON
    )


def build_ready(draft, by, physician):
    consent_all(draft, by, physician)
    return services.plan_mark_ready(by=by, plan=draft, today=PLANNED_ON)


def build_running(ready, by):
    """Submitted 16.02., approved 25.02. (DRV-4711), started 02.03.2026."""
    services.plan_submit(by=by, plan=ready, submitted_on=PLANNED_ON, today=PLANNED_ON)
    services.plan_approve(by=by, plan=ready, approved_on=D(2026, 2, 25), reference="DRV-4711", today=D(2026, 2, 25))
    return services.plan_start(by=by, plan=ready, actual_start=START, today=START)


@pytest.fixture
def helen_stay(make_stay):
    return make_helen_stay(make_stay)


@pytest.fixture
def draft(helen_stay, social_worker):
    return build_draft(helen_stay, social_worker)


@pytest.fixture
def ready(draft, social_worker, treating_physician):
    return build_ready(draft, social_worker, treating_physician)


@pytest.fixture
def running(ready, social_worker):
    return build_running(ready, social_worker)


# --- planning -----------------------------------------------------------------------------------------------------


def test_helens_plan_built_through_the_services_keeps_its_last_day_in_sync(draft):
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert draft.last_day == D(2026, 5, 31)
    assert list(draft.steps.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_removing_a_step_renumbers_the_later_ones_and_moves_the_last_day(draft, social_worker):
    services.step_remove(by=social_worker, step=draft.steps.get(position=2))
    draft.refresh_from_db()
    assert list(draft.steps.order_by("position").values_list("position", "weeks")) == [
        (1, 2),
        (2, 2),
        (3, 2),
        (4, 2),
        (5, 3),
    ]
    assert draft.last_day == D(2026, 5, 17)


def test_changing_a_step_changes_the_last_day(draft, social_worker):
    services.step_change(by=social_worker, step=draft.steps.get(position=6), values={"weeks": 4})
    draft.refresh_from_db()
    assert draft.last_day == D(2026, 6, 7)


def test_a_second_plan_is_refused_while_one_is_open(draft, social_worker):
    with pytest.raises(PlanExists):
        services.plan_create(by=social_worker, stay=draft.stay, starts_on=START, today=PLANNED_ON)
    assert GradedReturnPlan.objects.filter(stay=draft.stay).count() == 1


def test_the_contract_comes_from_the_work_situation(helen_stay, social_worker):
    WorkSituation.objects.create(stay=helen_stay, working_days_per_week=3, hours_per_day="6.00")
    plan = services.plan_create(by=social_worker, stay=helen_stay, starts_on=START, today=PLANNED_ON)
    assert (plan.version, plan.working_days_per_week, plan.hours_per_day) == (1, 3, 6)


@pytest.mark.parametrize(
    ("pattern", "weeks", "message"),
    [
        ([{"days": "x", "hours": "2"}], 2, "The weekly pattern needs whole days and hours as numbers (H-2)."),
        ([], 2, "The weekly pattern is empty: enter days per week and hours per day (H-2)."),
        ([{"days": 5, "hours": "-2"}], 2, "The weekly pattern cannot have negative days or hours (H-2)."),
        ([{"days": 5, "hours": "2"}], 0, "A step lasts at least one day (V-1)."),
    ],
)
def test_a_step_that_cannot_be_computed_is_refused_and_nothing_is_stored(draft, social_worker, pattern, weeks, message):
    audit_rows = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(PlanRefused) as exc:
        services.step_add(by=social_worker, plan=draft, weeks=weeks, pattern=pattern)
    assert exc.value.message == message
    assert draft.steps.count() == 6
    assert AuditEntry.objects.count() == audit_rows


def test_a_step_under_two_hours_is_stored_as_a_draft_but_blocks_ready_with_the_v3_message(
    draft, social_worker, treating_physician
):
    services.step_change(
        by=social_worker, step=draft.steps.get(position=1), values={"pattern": [{"days": 5, "hours": "1.5"}]}
    )
    consent_all(draft, social_worker, treating_physician)
    with translation.override("en"), pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, today=PLANNED_ON)
    assert "Step 1: 1.5 hours on a working day; every worked day needs at least 2 hours (V-3)." in exc.value.message
    assert [f.code for f in exc.value.findings if f.is_error] == ["V-3"]
    draft.refresh_from_db()
    assert draft.status == PlanStatus.CONSENTS_PENDING


def test_ready_waits_for_the_consents_and_the_prerequisites(draft, social_worker):
    services.prerequisites_record(
        by=social_worker, plan=draft, on_sick_leave=None, partial_work_possible=False, workplace_allows=True
    )
    with translation.override("en"), pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, today=PLANNED_ON)
    message = exc.value.message
    assert "The patient's written consent is missing (C-1, V-11)." in message
    assert "The employer's agreement is missing (C-2, V-11)." in message
    assert "The physician's approval of the step plan is missing (C-3, V-11)." in message
    assert "(P-1)" in message and "(P-2)" in message
    assert "(P-5)" not in message


def test_h1_a_short_lead_time_needs_the_warning_confirmed(draft, social_worker, treating_physician):
    consent_all(draft, social_worker, treating_physician)
    late = D(2026, 2, 20)
    with translation.override("en"), pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, today=late)
    assert exc.value.warnings_only
    assert "10 days' lead time; at least 14 days are advised (V-8)" in exc.value.message
    plan = services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=late)
    assert (plan.status, plan.warnings_confirmed_by) == (PlanStatus.READY, social_worker)


def test_ready_stores_the_payer_and_the_last_day(ready):
    ready.refresh_from_db()
    assert (ready.status, ready.payer, ready.last_day) == (PlanStatus.READY, "pension", D(2026, 5, 31))
    assert ready.warnings_confirmed_by is None


def test_h6_a_plan_longer_than_six_months_needs_its_justification(draft, social_worker, treating_physician):
    services.step_add(by=social_worker, plan=draft, weeks=14, pattern=[{"days": 5, "hours": "8"}])
    consent_all(draft, social_worker, treating_physician)
    with translation.override("en"), pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    assert "Please give the justification for a plan longer than six months (V-5)." in exc.value.message
    services.plan_update(
        by=social_worker, plan=draft, values={"long_plan_justification": "Relapse risk."}, today=PLANNED_ON
    )
    with pytest.raises(PlanNotReady) as exc:  # the warning itself still needs the confirmation
        services.plan_mark_ready(by=social_worker, plan=draft, today=PLANNED_ON)
    assert exc.value.warnings_only
    plan = services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    assert plan.status == PlanStatus.READY


def test_p2_after_day_28_the_health_insurance_pays_unless_reason_and_reference_are_recorded(
    draft, social_worker, treating_physician
):
    late_start = D(2026, 3, 16)  # 31 days after the discharge on 13.02.
    services.plan_update(by=social_worker, plan=draft, values={"starts_on": late_start}, today=PLANNED_ON)
    consent_all(draft, social_worker, treating_physician)
    with pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    assert "(V-9, F-2)" in exc.value.message
    services.plan_update(
        by=social_worker, plan=draft, values={"payer_override_reason": "Individual decision"}, today=PLANNED_ON
    )
    assert services.plan_payer(draft).payer == "health"  # a reason without the carrier's reference does not count
    with pytest.raises(PlanNotReady):
        services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    services.plan_update(by=social_worker, plan=draft, values={"payer_reference": "DRV-2026-17"}, today=PLANNED_ON)
    plan = services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    assert plan.payer == "pension"


def test_h12_vacation_during_the_plan_is_stored_but_blocks_ready_with_v10(draft, social_worker, treating_physician):
    consent_all(draft, social_worker, treating_physician)
    services.vacation_add(by=social_worker, plan=draft, starts_on=D(2026, 5, 4), ends_on=D(2026, 5, 8))
    with translation.override("en"), pytest.raises(PlanNotReady) as exc:
        services.plan_mark_ready(by=social_worker, plan=draft, confirm_warnings=True, today=PLANNED_ON)
    assert [f.code for f in exc.value.findings if f.is_error] == ["V-10"]
    assert "Vacation 04.05.2026–08.05.2026 lies inside the plan (02.03.2026–31.05.2026)" in exc.value.message
    services.vacation_remove(by=social_worker, vacation=draft.vacations.get())
    assert services.plan_mark_ready(by=social_worker, plan=draft, today=PLANNED_ON).status == PlanStatus.READY


def test_a_vacation_ending_before_it_starts_is_refused(draft, social_worker):
    with pytest.raises(PlanRefused):
        services.vacation_add(by=social_worker, plan=draft, starts_on=D(2026, 5, 8), ends_on=D(2026, 5, 4))
    assert not draft.vacations.exists()


def test_changing_a_ready_plan_sends_it_back_to_planning(ready, social_worker):
    services.step_change(by=social_worker, step=ready.steps.get(position=6), values={"weeks": 2})
    ready.refresh_from_db()
    assert ready.status == PlanStatus.CONSENTS_PENDING
    assert ready.last_day == D(2026, 5, 24)


# --- consents (§4) ------------------------------------------------------------------------------------------------


def test_the_first_consent_moves_the_draft_to_consents_pending(draft, social_worker):
    services.consent_record(
        by=social_worker, plan=draft, party="employee", state="given", on=D(2026, 2, 9), today=PLANNED_ON
    )
    draft.refresh_from_db()
    assert draft.status == PlanStatus.CONSENTS_PENDING


def test_c3_only_a_physician_approves_the_step_plan_and_nothing_is_stored_otherwise(draft, social_worker):
    audit_rows = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(PhysicianOnly) as exc:
        services.consent_record(
            by=social_worker, plan=draft, party="physician", state="given", on=D(2026, 2, 12), today=PLANNED_ON
        )
    assert exc.value.message == "Only a physician can record the physician's approval of the step plan (C-3)."
    assert PlanConsent.objects.filter(plan=draft).count() == 0
    assert AuditEntry.objects.count() == audit_rows
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_c6_the_occupational_physician_is_involved_only_with_the_patients_consent(draft, social_worker):
    with translation.override("en"), pytest.raises(OccupationalPhysicianConsentMissing) as exc:
        services.consent_record(
            by=social_worker,
            plan=draft,
            party="occupational_physician",
            state="involved",
            on=D(2026, 2, 12),
            signed_by="Dr. Betrieb",
            today=PLANNED_ON,
        )
    assert "rec 10.6, C-6" in exc.value.message
    assert not PlanConsent.objects.filter(plan=draft).exists()
    consent = patient_services.consent_give(
        by=social_worker, stay=draft.stay, kind=ConsentKind.OCCUPATIONAL_PHYSICIAN, given_on=D(2026, 2, 1)
    )
    event = services.consent_record(
        by=social_worker,
        plan=draft,
        party="occupational_physician",
        state="involved",
        on=D(2026, 2, 12),
        signed_by="Dr. Betrieb",
        today=PLANNED_ON,
    )
    assert event.patient_consent == consent


def test_c6_a_consent_withdrawn_before_the_involvement_does_not_count(draft, social_worker):
    consent = patient_services.consent_give(
        by=social_worker, stay=draft.stay, kind=ConsentKind.OCCUPATIONAL_PHYSICIAN, given_on=D(2026, 2, 1)
    )
    patient_services.consent_withdraw(by=social_worker, consent=consent, withdrawn_on=D(2026, 2, 5))
    with pytest.raises(OccupationalPhysicianConsentMissing):
        services.consent_record(
            by=social_worker,
            plan=draft,
            party="occupational_physician",
            state="involved",
            on=D(2026, 2, 12),
            patient_consent=consent,
            today=PLANNED_ON,
        )


def test_tr1_the_employers_refusal_ends_the_plan_as_not_started_and_asks_to_talk_again_in_two_weeks(
    make_stay, social_worker
):
    """Tristan: AU since 05.01.2026; the employer declines on 06.03.2026 and proposes to talk again in two weeks.
    No step plan exists yet: the refusal needs no plan validation."""
    stay = make_stay(admission_date=D(2026, 3, 6), discharge_date=D(2026, 4, 3), payer=Payer.GKV)
    plan = services.plan_create(by=social_worker, stay=stay, starts_on=D(2026, 4, 13), today=D(2026, 3, 6))
    services.consent_record(
        by=social_worker,
        plan=plan,
        party="employer",
        state="refused",
        on=D(2026, 3, 6),
        reason="He should recover fully first; talk again in two weeks.",
        today=D(2026, 3, 6),
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NOT_STARTED
    (task,) = plan.tasks.all()
    assert (task.kind, task.due_on) == ("talk_again", D(2026, 3, 20))
    # the plan has ended: a new plan (or a new version of this one) can be made
    again = services.plan_new_version(by=social_worker, plan=plan, today=D(2026, 3, 20))
    assert (again.version, again.status, again.previous) == (2, PlanStatus.DRAFT, plan)
    assert not again.tasks.exists()


def test_tr4_a_severely_disabled_patient_needs_no_employer_consent(helen_stay, social_worker, treating_physician):
    WorkSituation.objects.create(stay=helen_stay, disability=DisabilityStatus.SEVERE)
    plan = services.plan_create(by=social_worker, stay=helen_stay, starts_on=START, today=PLANNED_ON)
    for weeks, pattern in HELEN_STEPS:
        services.step_add(by=social_worker, plan=plan, weeks=weeks, pattern=pattern)
    services.prerequisites_record(
        by=social_worker, plan=plan, on_sick_leave=True, partial_work_possible=True, workplace_allows=True
    )
    consent_all(plan, social_worker, treating_physician, employer_state="not_required_entitlement")
    plan = services.plan_mark_ready(by=social_worker, plan=plan, today=PLANNED_ON)
    assert plan.status == PlanStatus.READY


def test_tr4_without_a_recorded_disability_not_required_is_refused_and_nothing_stored(draft, social_worker):
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(EntitlementNotRecorded):
        services.consent_record(
            by=social_worker,
            plan=draft,
            party="employer",
            state="not_required_entitlement",
            on=D(2026, 2, 11),
            today=PLANNED_ON,
        )
    assert not PlanConsent.objects.filter(plan=draft).exists()
    assert AuditEntry.objects.count() == audit_rows


def test_a_withdrawal_needs_a_reason_and_an_earlier_consent(draft, social_worker):
    with translation.override("en"), pytest.raises(PlanRefused) as exc:
        services.consent_record(
            by=social_worker, plan=draft, party="employee", state="withdrawn", on=D(2026, 2, 9), today=PLANNED_ON
        )
    assert exc.value.message == "There is no consent of this party to withdraw."
    services.consent_record(
        by=social_worker, plan=draft, party="employee", state="given", on=D(2026, 2, 9), today=PLANNED_ON
    )
    with translation.override("en"), pytest.raises(PlanRefused) as exc:
        services.consent_record(
            by=social_worker, plan=draft, party="employee", state="withdrawn", on=D(2026, 2, 10), today=PLANNED_ON
        )
    assert exc.value.message == "Please record the reason for the withdrawal (C-7)."


def test_a_withdrawal_before_the_start_ends_the_plan_as_not_started(ready, social_worker):
    services.consent_record(
        by=social_worker,
        plan=ready,
        party="employee",
        state="withdrawn",
        on=D(2026, 2, 20),
        reason="Feels not ready yet.",
        today=D(2026, 2, 20),
    )
    ready.refresh_from_db()
    assert (ready.status, ready.end_reason) == (PlanStatus.NOT_STARTED, "Feels not ready yet.")
    assert not ready.tasks.exists()


def test_h13_the_employers_withdrawal_after_the_start_aborts_the_plan_with_the_e8_follow_up(running, social_worker):
    services.consent_record(
        by=social_worker,
        plan=running,
        party="employer",
        state="withdrawn",
        on=D(2026, 4, 1),
        reason="Reorganisation of the department.",
        today=D(2026, 4, 1),
    )
    running.refresh_from_db()
    assert (running.status, running.actual_end) == (PlanStatus.ABORTED, D(2026, 4, 1))
    assert list(running.tasks.values_list("kind", "due_on")) == [("follow_up", D(2026, 4, 1))]


# --- submission, approval, start (K-2, C-5) -----------------------------------------------------------------------


def test_k2_submission_is_refused_without_the_four_counselling_topics(ready, social_worker):
    GradedReturnPlan.objects.filter(pk=ready.pk).update(counseling_topics=["content", "course"])
    audit_rows = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(CounselingIncomplete) as exc:
        services.plan_submit(by=social_worker, plan=ready, submitted_on=PLANNED_ON, today=PLANNED_ON)
    assert "(K-2, rec 8.5)" in exc.value.message
    assert "financial consequences" in exc.value.message
    ready.refresh_from_db()
    assert (ready.status, ready.submitted_on) == (PlanStatus.READY, None)
    assert AuditEntry.objects.count() == audit_rows


def test_k2_submission_is_refused_without_a_counselling_date(ready, social_worker):
    GradedReturnPlan.objects.filter(pk=ready.pk).update(counseled_on=None)
    with pytest.raises(CounselingIncomplete):
        services.plan_submit(by=social_worker, plan=ready, submitted_on=PLANNED_ON, today=PLANNED_ON)


def test_submit_approve_start_walk_through_the_phases(running):
    running.refresh_from_db()
    assert running.status == PlanStatus.RUNNING
    assert (running.submitted_on, running.approved_on, running.approval_reference, running.actual_start) == (
        PLANNED_ON,
        D(2026, 2, 25),
        "DRV-4711",
        START,
    )


def test_after_submission_the_plan_is_locked_but_a_voluntary_payment_is_recorded_with_the_e9_task(ready, social_worker):
    services.plan_submit(by=social_worker, plan=ready, submitted_on=PLANNED_ON, today=PLANNED_ON)
    with pytest.raises(PlanLocked):
        services.plan_update(by=social_worker, plan=ready, values={"hours_per_day": 7}, today=PLANNED_ON)
    with pytest.raises(PlanLocked):
        services.step_add(by=social_worker, plan=ready, weeks=1, pattern=[{"days": 5, "hours": "8"}])
    services.plan_update(
        by=social_worker, plan=ready, values={"employer_voluntary_payment": "200 € a month"}, today=D(2026, 3, 5)
    )
    assert list(ready.tasks.values_list("kind", "due_on", "note")) == [
        ("tell_payer_payment", D(2026, 3, 5), "200 € a month")
    ]


# --- execution (§6): H8–H11, H14 ----------------------------------------------------------------------------------


def test_h8_seven_days_of_interruption_are_recorded_and_the_plan_continues(running, social_worker):
    services.interruption_record(
        by=social_worker,
        plan=running,
        first_missed_day=D(2026, 4, 14),
        last_missed_day=D(2026, 4, 20),
        reason="common cold",
        today=D(2026, 4, 21),
    )
    running.refresh_from_db()
    assert running.status == PlanStatus.RUNNING
    assert running.interruptions.count() == 1
    assert not running.tasks.exists()
    assert running.last_day == D(2026, 5, 31)  # dates do not shift (E-2)


def test_h9_eight_days_abort_the_plan_failed_from_the_first_missed_day_with_the_task_to_inform_the_payer(
    running, social_worker
):
    services.interruption_record(
        by=social_worker,
        plan=running,
        first_missed_day=D(2026, 4, 14),
        last_missed_day=D(2026, 4, 21),
        today=D(2026, 4, 22),
    )
    running.refresh_from_db()
    assert (running.status, running.failed_from, running.actual_end) == (
        PlanStatus.ABORTED,
        D(2026, 4, 14),
        D(2026, 4, 13),
    )
    assert "(E-3)" in running.end_reason
    assert set(running.tasks.values_list("kind", flat=True)) == {"inform_payer", "follow_up"}


def test_h10_the_payers_decision_to_continue_brings_the_plan_back_to_running(running, social_worker):
    interruption = services.interruption_record(
        by=social_worker,
        plan=running,
        first_missed_day=D(2026, 4, 14),
        last_missed_day=D(2026, 4, 21),
        end_foreseeable=True,
        today=D(2026, 4, 22),
    )
    services.payer_decision_continue(by=social_worker, interruption=interruption, on=D(2026, 4, 23), reference="DRV-9")
    running.refresh_from_db()
    assert (running.status, running.failed_from, running.actual_end) == (PlanStatus.RUNNING, None, None)
    interruption.refresh_from_db()
    assert (interruption.payer_continue_on, interruption.payer_continue_reference) == (D(2026, 4, 23), "DRV-9")
    assert not running.tasks.filter(kind="follow_up", done_on__isnull=True).exists()


def test_h11_an_open_interruption_fails_on_its_8th_day_through_the_daily_check(running, social_worker):
    interruption = services.interruption_record(
        by=social_worker, plan=running, first_missed_day=D(2026, 4, 14), today=D(2026, 4, 15)
    )
    running.refresh_from_db()
    assert running.status == PlanStatus.INTERRUPTED
    assert services.open_interruptions_check(today=D(2026, 4, 20)) == 0  # day 7
    assert services.open_interruptions_check(today=D(2026, 4, 21)) == 1  # day 8
    running.refresh_from_db()
    assert (running.status, running.failed_from, running.actual_end) == (
        PlanStatus.ABORTED,
        D(2026, 4, 14),
        D(2026, 4, 13),
    )
    assert set(running.tasks.values_list("kind", flat=True)) == {"inform_payer", "follow_up"}
    assert services.open_interruptions_check(today=D(2026, 4, 22)) == 0  # idempotent
    assert running.tasks.count() == 2
    assert AuditEntry.objects.filter(action="reintegration.plan.failed", object_id=str(interruption.pk)).count() == 1


def test_closing_an_open_interruption_within_seven_days_lets_the_plan_run_on(running, social_worker):
    interruption = services.interruption_record(
        by=social_worker, plan=running, first_missed_day=D(2026, 4, 14), today=D(2026, 4, 15)
    )
    services.interruption_close(
        by=social_worker, interruption=interruption, last_missed_day=D(2026, 4, 17), today=D(2026, 4, 18)
    )
    running.refresh_from_db()
    assert running.status == PlanStatus.RUNNING


def test_h14_the_physician_confirms_full_capacity_early(running, social_worker):
    plan = services.plan_complete(by=social_worker, plan=running, actual_end=D(2026, 5, 20), today=D(2026, 5, 20))
    assert (plan.status, plan.actual_end) == (PlanStatus.COMPLETED, D(2026, 5, 20))


def test_an_abort_after_the_start_opens_the_e8_follow_up(running, social_worker):
    plan = services.plan_abort(
        by=social_worker, plan=running, on=D(2026, 4, 2), reason="Medical reasons", today=D(2026, 4, 2)
    )
    assert (plan.status, plan.actual_end) == (PlanStatus.ABORTED, D(2026, 4, 2))
    assert list(plan.tasks.values_list("kind", flat=True)) == ["follow_up"]


def test_an_interruption_needs_a_running_plan(ready, social_worker):
    with pytest.raises(PlanRefused):
        services.interruption_record(
            by=social_worker, plan=ready, first_missed_day=D(2026, 4, 14), today=D(2026, 4, 15)
        )
    assert not PlanInterruption.objects.exists()


# --- H-6 versions, tasks, audit -------------------------------------------------------------------------------------


def test_a_new_version_keeps_the_old_one_readable_until_it_is_ready(running, social_worker, treating_physician):
    with translation.override("en"):  # the tasks' notes are written in the user's language
        new = services.plan_new_version(by=social_worker, plan=running, today=D(2026, 4, 1))
    running.refresh_from_db()
    assert (new.version, new.previous, new.status) == (2, running, PlanStatus.CONSENTS_PENDING)
    assert running.status == PlanStatus.RUNNING  # still in force
    assert list(new.steps.values_list("position", "weeks", "pattern")) == list(
        running.steps.values_list("position", "weeks", "pattern")
    )
    assert sorted(new.consents.values_list("party", flat=True)) == ["employee", "employer"]  # C-3 anew
    assert sorted(new.tasks.values_list("note", flat=True)) == ["the employer", "the patient", "the payer"]
    services.step_change(by=social_worker, step=new.steps.get(position=6), values={"weeks": 4})
    services.consent_record(
        by=treating_physician, plan=new, party="physician", state="given", on=D(2026, 4, 1), today=D(2026, 4, 1)
    )
    services.plan_mark_ready(by=social_worker, plan=new, confirm_warnings=True, today=D(2026, 4, 1))
    running.refresh_from_db()
    assert running.status == PlanStatus.SUPERSEDED
    assert running.steps.get(position=6).weeks == 3  # the old version is unchanged
    assert running.last_day == D(2026, 5, 31)
    new.refresh_from_db()
    assert new.last_day == D(2026, 6, 7)


def test_a_second_new_version_is_refused_while_one_is_being_prepared(running, social_worker):
    services.plan_new_version(by=social_worker, plan=running, today=D(2026, 4, 1))
    with pytest.raises(PlanRefused):
        services.plan_new_version(by=social_worker, plan=running, today=D(2026, 4, 1))
    assert GradedReturnPlan.objects.filter(stay=running.stay).count() == 2


def test_a_draft_is_changed_in_place_not_through_a_new_version(draft, social_worker):
    with pytest.raises(PlanRefused):
        services.plan_new_version(by=social_worker, plan=draft, today=PLANNED_ON)


def test_a_task_is_done_once(running, social_worker):
    services.plan_abort(by=social_worker, plan=running, on=D(2026, 4, 2), reason="Medical reasons", today=D(2026, 4, 2))
    task = PlanTask.objects.get(plan=running)
    services.task_done(by=social_worker, task=task, on=D(2026, 4, 3), today=D(2026, 4, 3))
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (D(2026, 4, 3), social_worker)
    with pytest.raises(PlanRefused):
        services.task_done(by=social_worker, task=task, on=D(2026, 4, 3), today=D(2026, 4, 3))


def test_every_write_leaves_one_audit_row(running, social_worker):
    assert actions(running.stay) == [
        "reintegration.plan.created",
        *["reintegration.plan.step_added"] * 6,
        "reintegration.plan.prerequisites_recorded",
        "reintegration.plan.changed",
        *["reintegration.plan.consent_recorded"] * 3,
        "reintegration.plan.ready",
        "reintegration.plan.submitted",
        "reintegration.plan.approved",
        "reintegration.plan.started",
    ]
    entry = AuditEntry.objects.get(action="reintegration.plan.ready")
    assert (entry.user, entry.data["payer"], entry.data["last_day"]) == (social_worker, "pension", "2026-05-31")


def test_the_case_facts_come_from_the_stay_and_the_work_situation(helen_stay):
    facts = services.plan_facts(helen_stay)
    assert (facts.pension_rehab, facts.discharge_date, facts.civil_servant, facts.severely_disabled) == (
        True,
        D(2026, 2, 13),
        False,
        False,
    )
    Stay.objects.filter(pk=helen_stay.pk).update(employment_status=EmploymentStatus.CIVIL_SERVANT, payer=Payer.GKV)
    WorkSituation.objects.create(
        stay=helen_stay, disability=DisabilityStatus.EQUAL_STATUS, work_accident=True, statutory_sick_pay=False
    )
    facts = services.plan_facts(Stay.objects.get(pk=helen_stay.pk))
    assert facts.civil_servant and not facts.pension_rehab
    assert facts.severely_disabled and facts.work_accident and not facts.statutory_sick_pay


def test_a_step_is_stored_with_its_pattern_normalised(draft, social_worker):
    step = services.step_add(
        by=social_worker, plan=draft, weeks=1, days=2, pattern=[{"days": "5", "hours": 4.50}], activities=" filing "
    )
    step = PlanStep.objects.get(pk=step.pk)
    assert (step.position, step.pattern, step.activities) == (7, [{"days": 5, "hours": "4.5"}], "filing")


def test_the_daily_check_is_a_beat_job_whose_task_calls_the_service(db, settings):
    from reintegration import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["reintegration-open-interruptions"]
    assert entry["task"] == tasks.check_open_interruptions.name == "reintegration.tasks.check_open_interruptions"
    # apply() runs the task here whether Celery is eager (SQLite run) or talks to Redis (PostgreSQL run)
    assert tasks.check_open_interruptions.apply().get() == 0  # nothing open: nothing to fail
