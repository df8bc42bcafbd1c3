"""The WMR assignment workflow and the §301 department-code task through the services, with the worked cases
T11–T19 of screening.md (admission Monday 2026-03-02, so treatment day 7 = Sunday 2026-03-08)."""

import datetime as dt
import zoneinfo

import pytest

from screening.errors import AssignmentRefused
from screening.instruments.loader import load_definition
from screening.models import (
    AssignmentDecision,
    Channel,
    CodeCorrection,
    ContraindicationCheck,
    InstrumentVersion,
    MotivationRecord,
)
from screening.selectors_assignment import stay_assignment
from screening.services.assignment import (
    code_correction_record,
    contraindication_check_record,
    decision_record,
    motivation_record,
    need_assessment_record,
    not_motivated_warning,
)
from screening.services.results import result_record
from staff.models import Profession
from tests.factories import UserFactory
from wmr.models import AuditEntry

ADMISSION = dt.date(2026, 3, 2)
DAY7 = dt.date(2026, 3, 8)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

# SIMBO-C DEMO-1 answers of the worked scoring cases T1 (87 points, positive) and T2 (16 points, negative).
POSITIVE_ANSWERS = {
    "age": 52,
    "employment_status": "unemployed",
    "sick_leave_now": "yes",
    "sick_leave_12m": "3_to_6_months",
    "limitation": 7,
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}
NEGATIVE_ANSWERS = {
    "age": 35,
    "employment_status": "full_time",
    "sick_leave_now": "no",
    "sick_leave_12m": "under_3_weeks",
    "limitation": 3,
    "prognosis": "stay_in_job",
    "motivation": "partly",
}


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


def simbo_demo() -> InstrumentVersion:
    data = load_definition("simbo_c_demo_1.json")
    fields = {k: data[k] for k in ("code", "version", "variant", "name_de", "name_en", "is_official", "licence_note")}
    instrument, _ = InstrumentVersion.objects.get_or_create(
        code=data["code"], version=data["version"], defaults={**fields, "definition": data}
    )
    return instrument


def screen(stay, *, positive: bool, on: dt.date, by=None):
    """A scored SIMBO-C DEMO-1 result (cut-off 27) completed at 10:00 Berlin time on ``on``."""
    instrument = simbo_demo()
    rule = instrument.definition["positivity_rule"]
    return result_record(
        stay=stay,
        instrument=instrument,
        answers=POSITIVE_ANSWERS if positive else NEGATIVE_ANSWERS,
        rule=rule,
        preset_code="simbo_27",
        channel=Channel.STAFF,
        by=by,
        completed_at=dt.datetime.combine(on, dt.time(10), tzinfo=BERLIN),
    )


@pytest.fixture(autouse=True)
def _messages_in_english():
    """These tests read the services' messages for their content; the pages' German is tested with the views."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def physician(facility):
    return UserFactory(
        username="doc", first_name="Dora", last_name="Doktor", profession=Profession.PHYSICIAN, facilities=[facility]
    )


@pytest.fixture
def march_stay(make_stay):
    """Admitted Monday 2026-03-02, allocated 3100, planned discharge after five weeks."""
    return make_stay(admission_date=ADMISSION, discharge_date=dt.date(2026, 4, 5), department_code="3100")


def ready_for_assignment(stay, *, psychologist, physician, on: dt.date = ADMISSION):
    motivation_record(by=psychologist, stay=stay, motivation="motivated", recorded_on=on, note="")
    contraindication_check_record(by=physician, stay=stay, checked_on=on, findings=[])


# --- T11 -----------------------------------------------------------------------------------------------------------


def test_t11_assigning_on_day_3_makes_a_code_task_due_on_day_7_and_a_correction_on_day_7_is_on_time(
    march_stay, treating_psychologist, physician
):
    screening = screen(march_stay, positive=True, on=day(1), by=treating_psychologist)
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    decision = decision_record(
        by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants="team"
    )
    assert decision.target_code == "3197"
    assert decision.screening == screening
    state = stay_assignment(march_stay, day(3))
    assert state.open_task.task.due == DAY7
    assert (state.open_task.task.from_code, state.open_task.task.to_code) == ("3100", "3197")
    assert state.open_task.state == "open"

    correction = code_correction_record(
        by=treating_psychologist, stay=march_stay, corrected_on=DAY7, reference="301-4711"
    )
    state = stay_assignment(march_stay, day(10))
    assert state.tasks[0].state == "done_on_time"
    assert state.week1_indicator == "met"
    assert (correction.from_code, correction.to_code, correction.decision) == ("3100", "3197", decision)
    march_stay.refresh_from_db()
    assert march_stay.department_code == "3197"
    assert state.allocated_code == "3100"  # the allocated code is still known after the correction
    assert list(march_stay.history.values_list("department_code", flat=True))[:2] == ["3197", "3100"]
    assert AuditEntry.objects.filter(action="screening.assignment.code_corrected", stay_id=march_stay.pk).exists()


def test_t11_a_correction_on_the_day_after_day_7_is_late(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=True, on=day(1))
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants="")
    assert stay_assignment(march_stay, dt.date(2026, 3, 9)).open_task.state == "overdue"
    code_correction_record(
        by=treating_psychologist, stay=march_stay, corrected_on=dt.date(2026, 3, 9), reference="301-4712"
    )
    state = stay_assignment(march_stay, day(10))
    assert state.tasks[0].state == "done_late"
    assert state.open_task is None
    assert state.week1_indicator == "not_met"


# --- T12 ------------------------------------------------------------------------------------------------------------


def test_t12_not_assigning_a_stay_allocated_3197_makes_a_task_to_3100_due_on_day_7(make_stay, treating_psychologist):
    stay = make_stay(admission_date=ADMISSION, discharge_date=dt.date(2026, 4, 5), department_code="3197")
    screen(stay, positive=False, on=day(1))
    decision = decision_record(
        by=treating_psychologist, stay=stay, decision="not_assign", decided_on=day(2), reason="", participants=""
    )
    assert decision.target_code == "3100"
    task = stay_assignment(stay, day(2)).open_task
    assert (task.task.from_code, task.task.to_code, task.task.due) == ("3197", "3100", DAY7)


# --- T13 ------------------------------------------------------------------------------------------------------------


def test_t13_assigning_after_a_negative_screening_without_a_need_assessment_is_refused(
    march_stay, treating_psychologist, physician
):
    screen(march_stay, positive=False, on=day(1))
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    with pytest.raises(AssignmentRefused, match="need assessment"):
        decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants="")
    assert not AssignmentDecision.objects.filter(stay=march_stay).exists()


def test_a_need_assessment_from_the_admission_interview_allows_wmr_after_a_negative_screening(
    march_stay, treating_psychologist, physician
):
    screen(march_stay, positive=False, on=day(1))
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    need = need_assessment_record(
        by=treating_psychologist,
        stay=march_stay,
        source="primary_therapist_interview",
        assessed_on=day(2),
        reason="Long sick leave, fears losing the job",
    )
    decision = decision_record(
        by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants=""
    )
    assert decision.need_assessment == need
    assert decision.motivation is not None and decision.contraindication_check is not None


def test_a_need_assessment_needs_a_reason(march_stay, treating_psychologist):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        need_assessment_record(
            by=treating_psychologist,
            stay=march_stay,
            source="medical_admission_interview",
            assessed_on=day(1),
            reason="",
        )


def test_with_no_screening_at_all_assigning_needs_a_need_assessment(march_stay, treating_psychologist, physician):
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    with pytest.raises(AssignmentRefused):
        decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants="")


# --- T14 ------------------------------------------------------------------------------------------------------------


def test_t14_a_psychologist_cannot_record_the_contraindication_check(march_stay, treating_psychologist):
    with pytest.raises(AssignmentRefused, match="physician"):
        contraindication_check_record(by=treating_psychologist, stay=march_stay, checked_on=day(1), findings=[])
    assert not ContraindicationCheck.objects.filter(stay=march_stay).exists()


def test_other_needs_a_description_and_unknown_codes_are_refused(march_stay, physician):
    with pytest.raises(AssignmentRefused, match="describe"):
        contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=["other"])
    with pytest.raises(AssignmentRefused, match="Unknown"):
        contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=["headache"])
    check = contraindication_check_record(
        by=physician, stay=march_stay, checked_on=day(1), findings=["other"], other_text="acute psychosis"
    )
    assert check.findings == ["other"] and check.other_text == "acute psychosis"


# --- T15 ------------------------------------------------------------------------------------------------------------


def test_t15_assignment_is_refused_while_the_latest_check_finds_medical_instability_until_a_new_check_finds_none(
    march_stay, treating_psychologist, physician
):
    screen(march_stay, positive=True, on=day(1))
    motivation_record(by=treating_psychologist, stay=march_stay, motivation="motivated", recorded_on=day(1))
    contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=["medical_instability"])
    with pytest.raises(AssignmentRefused, match="contraindication"):
        decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants="")
    assert not AssignmentDecision.objects.filter(stay=march_stay).exists()

    clear = contraindication_check_record(by=physician, stay=march_stay, checked_on=day(3), findings=[])
    decision = decision_record(
        by=physician, stay=march_stay, decision="assign", decided_on=day(3), reason="", participants=""
    )
    assert decision.contraindication_check == clear


def test_a_not_assign_decision_is_possible_because_of_a_contraindication(march_stay, physician):
    screen(march_stay, positive=True, on=day(1))
    contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=["medical_instability"])
    decision = decision_record(
        by=physician,
        stay=march_stay,
        decision="not_assign",
        decided_on=day(2),
        reason="Medically unstable",
        participants="",
    )
    assert decision.contraindication_check.findings == ["medical_instability"]


# --- T16 ------------------------------------------------------------------------------------------------------------


def test_t16_assignment_without_a_recorded_motivation_is_refused(march_stay, physician):
    screen(march_stay, positive=True, on=day(1))
    contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=[])
    with pytest.raises(AssignmentRefused, match="motivation"):
        decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants="")
    assert not AssignmentDecision.objects.filter(stay=march_stay).exists()


def test_a_not_motivated_patient_only_gives_a_warning(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=True, on=day(1))
    motivation_record(by=treating_psychologist, stay=march_stay, motivation="not_motivated", recorded_on=day(1))
    contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=[])
    decision = decision_record(
        by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants=""
    )
    assert "not motivated" in not_motivated_warning(decision)


def test_records_dated_after_the_decision_are_not_relied_on(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=True, on=day(1))
    contraindication_check_record(by=physician, stay=march_stay, checked_on=day(1), findings=[])
    motivation_record(by=treating_psychologist, stay=march_stay, motivation="motivated", recorded_on=day(5))
    with pytest.raises(AssignmentRefused, match="motivation"):
        decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants="")
    assert MotivationRecord.objects.filter(stay=march_stay).count() == 1


# --- T17, T18 -------------------------------------------------------------------------------------------------------


def test_t17_assigning_a_stay_allocated_3197_on_day_1_makes_no_task(make_stay, treating_psychologist, physician):
    stay = make_stay(admission_date=ADMISSION, discharge_date=dt.date(2026, 4, 5), department_code="3197")
    screen(stay, positive=True, on=day(1))
    ready_for_assignment(stay, psychologist=treating_psychologist, physician=physician)
    decision_record(by=physician, stay=stay, decision="assign", decided_on=day(1), reason="", participants="")
    state = stay_assignment(stay, day(10))
    assert state.tasks == []
    assert state.week1_indicator == "not_applicable"
    with pytest.raises(AssignmentRefused, match="no open"):
        code_correction_record(by=physician, stay=stay, corrected_on=day(2), reference="x")
    assert not CodeCorrection.objects.exists()


def test_t18_a_discharge_on_day_5_with_an_open_mismatch_is_the_due_date(make_stay, treating_psychologist, physician):
    stay = make_stay(admission_date=ADMISSION, discharge_date=day(5), department_code="3100")
    screen(stay, positive=True, on=day(1))
    ready_for_assignment(stay, psychologist=treating_psychologist, physician=physician)
    decision_record(by=physician, stay=stay, decision="assign", decided_on=day(2), reason="", participants="")
    state = stay_assignment(stay, day(6))
    assert state.open_task.task.due == day(5)
    assert state.open_task.state == "overdue"


# --- T19 ------------------------------------------------------------------------------------------------------------


def test_t19_a_screening_completed_on_day_8_is_not_at_the_start(march_stay):
    screen(march_stay, positive=True, on=day(8))
    state = stay_assignment(march_stay, day(10))
    assert state.due_date == DAY7
    assert state.start_state == "late"


def test_a_screening_on_day_7_late_in_the_evening_berlin_time_is_still_at_the_start(march_stay):
    instrument = simbo_demo()
    result_record(
        stay=march_stay,
        instrument=instrument,
        answers=POSITIVE_ANSWERS,
        rule=instrument.definition["positivity_rule"],
        preset_code="simbo_27",
        channel=Channel.STAFF,
        completed_at=dt.datetime(2026, 3, 8, 23, 30, tzinfo=BERLIN),  # 22:30 UTC
    )
    assert stay_assignment(march_stay, day(10)).start_state == "met"


def test_without_a_screening_the_start_is_open_until_day_7_and_overdue_from_day_8(march_stay):
    assert stay_assignment(march_stay, DAY7).start_state == "open"
    assert stay_assignment(march_stay, day(8)).start_state == "overdue"


# --- switches (A-8, D-5) --------------------------------------------------------------------------------------------


def test_a_second_decision_is_a_switch_and_needs_a_reason(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=False, on=day(1))
    decision_record(
        by=treating_psychologist, stay=march_stay, decision="not_assign", decided_on=day(2), reason="", participants=""
    )
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician, on=day(15))
    screen(march_stay, positive=True, on=day(15))
    with pytest.raises(AssignmentRefused, match="reason"):
        decision_record(
            by=physician, stay=march_stay, decision="assign", decided_on=day(16), reason="", participants=""
        )
    switch = decision_record(
        by=physician,
        stay=march_stay,
        decision="assign",
        decided_on=day(16),
        effective_from=day(17),
        reason="Re-screen positive after the team conference",
        participants="Dr. Doktor, Psych",
    )
    assert switch.is_switch and switch.effective_from == day(17)
    state = stay_assignment(march_stay, day(16))
    assert state.current_decision == switch
    assert state.switches == [switch]
    task = state.open_task
    assert (task.task.from_code, task.task.to_code, task.task.due, task.task.week1) == ("3100", "3197", day(23), False)
    assert state.week1_indicator == "not_applicable"
    assert AuditEntry.objects.filter(action="screening.assignment.switched").count() == 1


def test_a_switch_must_change_the_decision(march_stay, treating_psychologist):
    decision_record(
        by=treating_psychologist, stay=march_stay, decision="not_assign", decided_on=day(2), reason="", participants=""
    )
    with pytest.raises(AssignmentRefused, match="already"):
        decision_record(
            by=treating_psychologist,
            stay=march_stay,
            decision="not_assign",
            decided_on=day(4),
            reason="again",
            participants="",
        )


def test_not_assigning_despite_a_positive_screening_needs_a_reason(march_stay, treating_psychologist):
    screen(march_stay, positive=True, on=day(1))
    with pytest.raises(AssignmentRefused, match="reason"):
        decision_record(
            by=treating_psychologist,
            stay=march_stay,
            decision="not_assign",
            decided_on=day(2),
            reason="  ",
            participants="",
        )
    assert not AssignmentDecision.objects.exists()


def test_a_switch_back_before_the_correction_supersedes_the_open_task(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=True, on=day(1))
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants="")
    decision_record(
        by=physician,
        stay=march_stay,
        decision="not_assign",
        decided_on=day(4),
        reason="Patient declined",
        participants="",
    )
    state = stay_assignment(march_stay, day(10))
    assert [t.state for t in state.tasks] == ["superseded"]
    assert state.open_task is None
    assert state.week1_indicator == "not_applicable"


def test_each_service_writes_one_audit_row(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=True, on=day(1))
    ready_for_assignment(march_stay, psychologist=treating_psychologist, physician=physician)
    decision_record(by=physician, stay=march_stay, decision="assign", decided_on=day(2), reason="", participants="")
    actions = list(
        AuditEntry.objects.filter(stay_id=march_stay.pk, action__startswith="screening.assignment").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "screening.assignment.contraindications_checked",
        "screening.assignment.decided",
        "screening.assignment.motivation_recorded",
    ]


def test_the_steps_follow_the_order_of_a1(march_stay, treating_psychologist, physician):
    screen(march_stay, positive=False, on=day(1), by=treating_psychologist)
    codes = [step.code for step in stay_assignment(march_stay, day(2)).steps]
    assert codes == ["screening", "need_assessment", "motivation", "contraindication_check", "decision"]
    screen(march_stay, positive=True, on=day(2))
    steps = stay_assignment(march_stay, day(2)).steps
    assert [s.code for s in steps] == ["screening", "motivation", "contraindication_check", "decision"]
    assert [s.done for s in steps] == [True, False, False, False]
