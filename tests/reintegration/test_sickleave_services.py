"""Writes of the sick-leave history and the state they make (rec 8.2, 8.4; hamburg_model.md §10, K-1, K-4): periods
added, corrected (history kept) and removed as an audited correction; bad input refused with nothing stored; trigger
outcomes closing the overview's tasks; the work situation feeding the working-day rule.

The conftest stay is admitted on Monday 02.11.2026 (discharge 07.12.2026): the reference date is 01.11.2026 and the
window 02.11.2025–01.11.2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from reintegration.errors import SickLeaveDuplicate, SickLeaveRefused
from reintegration.models import SickLeavePeriod, TriggerExamination, WorkSituation
from reintegration.selectors_sickleave import stay_sick_leave_history, stay_sick_leave_state
from reintegration.services import sickleave as services
from tests.reintegration.matrix_sickleave import TODAY, period_values
from wmr.models import AuditEntry

D = dt.date
ADMISSION = D(2026, 11, 2)
DISCHARGE = D(2026, 12, 7)


def add(stay, by, **overrides):
    return services.sick_leave_add(by=by, stay=stay, today=TODAY, **period_values(**overrides))


@pytest.fixture
def helen_like(stay, treating_psychologist):
    """H15 moved to the conftest stay: 91 days of AU up to the day before admission (03.08. – 01.11.2026)."""
    return add(stay, treating_psychologist, starts_on=D(2026, 8, 3), ends_on=D(2026, 11, 1))


# --- periods --------------------------------------------------------------------------------------------------------


def test_a_period_is_stored_with_its_author_and_one_audit_row(stay, social_worker):
    period = add(stay, social_worker)
    assert (period.starts_on, period.ends_on, period.kind, period.created_by) == (
        D(2026, 9, 1),
        D(2026, 9, 30),
        "certified",
        social_worker,
    )
    entry = AuditEntry.objects.get(action="reintegration.sick_leave.added")
    assert (entry.user, entry.stay_id, entry.object_id) == (social_worker, stay.pk, str(period.pk))
    assert entry.data == {"kind": "certified", "starts_on": "2026-09-01", "ends_on": "2026-09-30"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": D(2026, 8, 31)}, "The period cannot end (31.08.2026) before it starts (01.09.2026)."),
        ({"starts_on": D(2026, 11, 21), "ends_on": None}, "The start 21.11.2026 lies in the future."),
        ({"starts_on": D(2026, 11, 2), "ends_on": None}, "a period must start before it"),
        ({"starts_on": D(2026, 11, 10), "ends_on": D(2026, 11, 12)}, "a period must start before it"),
        ({"starts_on": D(2025, 10, 1), "ends_on": D(2025, 11, 1)}, "ended before the 12 months before admission"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message_and_nothing_stored(stay, social_worker, overrides, message):
    with translation.override("en"), pytest.raises(SickLeaveRefused) as refused:
        add(stay, social_worker, **overrides)
    assert message in refused.value.message
    assert not SickLeavePeriod.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="reintegration.").exists()


def test_a_period_ending_on_the_window_start_is_accepted_and_counts_one_day(stay, social_worker):
    add(stay, social_worker, starts_on=D(2025, 10, 1), ends_on=D(2025, 11, 2))
    assert stay_sick_leave_state(stay, TODAY).verdict.calendar_days == 1


def test_an_exact_duplicate_is_refused_but_an_overlapping_certificate_is_kept(stay, social_worker):
    add(stay, social_worker)
    with translation.override("en"), pytest.raises(SickLeaveDuplicate) as refused:
        add(stay, social_worker, kind="uncertified")
    assert refused.value.message == "A period with the same dates is entered already. Correct that entry instead."
    add(stay, social_worker, starts_on=D(2026, 9, 20), ends_on=D(2026, 10, 5))
    assert SickLeavePeriod.objects.count() == 2
    assert stay_sick_leave_state(stay, TODAY).verdict.calendar_days == 35  # B-6: 01.09.–05.10., overlap once


def test_a_correction_keeps_the_earlier_version_and_is_audited(stay, social_worker, treating_psychologist):
    period = add(stay, social_worker)
    services.sick_leave_correct(
        by=treating_psychologist, period=period, today=TODAY, **period_values(ends_on=D(2026, 10, 15))
    )
    period.refresh_from_db()
    assert period.ends_on == D(2026, 10, 15)
    versions = list(period.history.order_by("history_id"))
    assert [v.ends_on for v in versions] == [D(2026, 9, 30), D(2026, 10, 15)]
    assert versions[-1].history_user == treating_psychologist
    entry = AuditEntry.objects.get(action="reintegration.sick_leave.changed")
    assert entry.data["fields"] == ["ends_on"]
    assert entry.data["before"]["ends_on"] == "2026-09-30"
    changes = stay_sick_leave_history(stay)[0].changes
    assert [(old, new) for _label, old, new in changes] == [(D(2026, 9, 30), D(2026, 10, 15))]


def test_an_unchanged_correction_writes_nothing(stay, social_worker):
    period = add(stay, social_worker)
    services.sick_leave_correct(by=social_worker, period=period, today=TODAY, **period_values())
    assert period.history.count() == 1
    assert not AuditEntry.objects.filter(action="reintegration.sick_leave.changed").exists()


def test_a_refused_correction_leaves_the_period_as_it_was(stay, social_worker):
    period = add(stay, social_worker)
    other = add(stay, social_worker, starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 10))
    with pytest.raises(SickLeaveDuplicate):
        services.sick_leave_correct(by=social_worker, period=other, today=TODAY, **period_values())
    with pytest.raises(SickLeaveRefused):
        services.sick_leave_correct(
            by=social_worker, period=period, today=TODAY, **period_values(ends_on=D(2026, 8, 1))
        )
    period.refresh_from_db()
    other.refresh_from_db()
    assert (period.ends_on, other.starts_on) == (D(2026, 9, 30), D(2026, 10, 1))
    assert period.history.count() == other.history.count() == 1


def test_correcting_a_period_to_its_own_dates_is_no_duplicate(stay, social_worker):
    period = add(stay, social_worker)
    services.sick_leave_correct(
        by=social_worker, period=period, today=TODAY, **period_values(diagnosis_group="F32", note="Folge-AU")
    )
    period.refresh_from_db()
    assert (period.diagnosis_group, period.note) == ("F32", "Folge-AU")


def test_removing_needs_a_reason_and_is_an_audited_correction(stay, social_worker):
    period = add(stay, social_worker)
    with translation.override("en"), pytest.raises(SickLeaveRefused) as refused:
        services.sick_leave_remove(by=social_worker, period=period, reason="  ")
    assert refused.value.message == "Please give the reason why this period is removed."
    assert SickLeavePeriod.objects.filter(pk=period.pk).exists()
    services.sick_leave_remove(by=social_worker, period=period, reason="Doppelt erfasst")
    assert not SickLeavePeriod.objects.exists()
    entry = AuditEntry.objects.get(action="reintegration.sick_leave.removed")
    assert entry.data == {
        "kind": "certified",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-30",
        "reason": "Doppelt erfasst",
    }
    last = SickLeavePeriod.history.order_by("-history_id").first()
    assert (last.history_type, last.history_change_reason, last.history_user) == ("-", "Doppelt erfasst", social_worker)
    assert [e.kind for e in stay_sick_leave_history(stay)] == ["deleted", "created"]


# --- the state: triggers and tasks ------------------------------------------------------------------------------


def test_91_days_before_admission_make_both_triggers_open_tasks_due_by_discharge(helen_like, stay):
    state = stay_sick_leave_state(stay, TODAY)
    assert state.verdict.calendar_days == 91
    assert (state.verdict.window_start, state.verdict.window_end) == (D(2025, 11, 2), D(2026, 11, 1))
    assert [(t.kind, t.active, t.state, t.due_by) for t in state.triggers] == [
        ("bem", True, "open", DISCHARGE),
        ("graded_return", True, "open", DISCHARGE),
    ]
    assert [t.kind for t in state.open_tasks] == ["bem", "graded_return"]


def test_the_summary_explains_the_days_and_the_triggers_in_words(helen_like, stay):
    with translation.override("en"):
        state = stay_sick_leave_state(stay, TODAY)
    assert state.summary == (
        "91 days of sick leave in the 12 months before admission (02.11.2025–01.11.2026): more than 42 days and more "
        "than 30 working days → BEM to be examined (8.2); at least 90 days → examine a graded return (8.4)."
    )
    assert "threshold crossed on 14.09.2026" in state.triggers[0].reason  # 03.08. + 42 days
    assert state.s74_note.startswith("The current sick leave has lasted 91 days since 03.08.2026")


def test_an_open_task_is_overdue_after_the_discharge_day(helen_like, stay):
    assert [t.state for t in stay_sick_leave_state(stay, DISCHARGE).triggers] == ["open", "open"]
    assert [t.state for t in stay_sick_leave_state(stay, DISCHARGE + dt.timedelta(days=1)).triggers] == [
        "overdue",
        "overdue",
    ]


def test_an_outcome_closes_the_task_and_a_later_one_supersedes_it(helen_like, stay, treating_psychologist):
    services.trigger_examination_record(
        by=treating_psychologist,
        stay=stay,
        kind="bem",
        examined_on=D(2026, 11, 10),
        outcome="indicated",
        note="Betriebsärztin informiert",
        today=TODAY,
    )
    state = stay_sick_leave_state(stay, TODAY)
    assert [t.kind for t in state.open_tasks] == ["graded_return"]
    assert state.triggers[0].state == "done"
    services.trigger_examination_record(
        by=treating_psychologist, stay=stay, kind="bem", examined_on=D(2026, 11, 12), outcome="declined", today=TODAY
    )
    state = stay_sick_leave_state(stay, TODAY)
    assert state.triggers[0].examination.outcome == "declined"
    assert TriggerExamination.objects.count() == 2 == len(state.examinations)
    entry = AuditEntry.objects.filter(action="reintegration.trigger.examined").latest("id")
    assert entry.data == {"kind": "bem", "outcome": "declined", "examined_on": "2026-11-12"}


def test_an_outcome_recorded_after_the_discharge_day_shows_as_late(helen_like, stay, social_worker):
    """K-4: the graded-return check belongs on or before the discharge day."""
    services.trigger_examination_record(
        by=social_worker,
        stay=stay,
        kind="graded_return",
        examined_on=D(2026, 12, 8),
        outcome="not_indicated",
        today=D(2026, 12, 9),
    )
    assert stay_sick_leave_state(stay, D(2026, 12, 9)).triggers[1].state == "late"


@pytest.mark.parametrize(
    ("examined_on", "message"),
    [
        (D(2026, 11, 21), "The examination date 21.11.2026 lies in the future."),
        (D(2026, 11, 1), "The examination cannot lie before the admission on 02.11.2026."),
    ],
)
def test_an_outcome_with_an_impossible_date_is_refused(stay, social_worker, examined_on, message):
    with translation.override("en"), pytest.raises(SickLeaveRefused) as refused:
        services.trigger_examination_record(
            by=social_worker, stay=stay, kind="bem", examined_on=examined_on, outcome="indicated", today=TODAY
        )
    assert refused.value.message == message
    assert not TriggerExamination.objects.exists()


def test_60_days_flag_bem_but_no_graded_return(stay, social_worker):
    """TR5 moved to the conftest stay: 60 days up to the day before admission."""
    add(stay, social_worker, starts_on=D(2026, 9, 3), ends_on=D(2026, 11, 1))
    state = stay_sick_leave_state(stay, TODAY)
    assert state.verdict.calendar_days == 60
    assert [(t.kind, t.active) for t in state.triggers] == [("bem", True), ("graded_return", False)]
    assert state.triggers[1].state == "not_triggered"


def test_the_graded_return_threshold_comes_from_the_setting(stay, social_worker, settings):
    add(stay, social_worker, starts_on=D(2026, 9, 3), ends_on=D(2026, 11, 1))
    settings.GRTW_EXAMINE_MIN_DAYS = 60
    state = stay_sick_leave_state(stay, TODAY)
    assert (state.verdict.grtw_min_days, state.triggers[1].active) == (60, True)


def test_a_bem_trigger_reached_only_by_the_rehab_stay_is_a_task_projected_at_discharge(stay, social_worker):
    """B-6: 30 days in September, then 36 days of rehab: BEM by discharge."""
    add(stay, social_worker)
    state = stay_sick_leave_state(stay, TODAY)
    assert state.verdict.bem is False
    assert state.projected.calendar_days == 66
    bem = state.triggers[0]
    assert (bem.active, bem.source, bem.state) == (True, "discharge", "open")
    with translation.override("en"):
        state = stay_sick_leave_state(stay, TODAY)
    assert state.projected_summary.startswith(
        "At the planned discharge on 07.12.2026, counting the rehab stay: 66 days in the 12 months "
        "(08.12.2025–07.12.2026): more than 42 days"
    )


def test_nothing_entered_means_no_trigger_and_no_task(stay):
    state = stay_sick_leave_state(stay, TODAY)
    assert state.has_entries is False
    assert state.open_tasks == []
    assert state.verdict.calendar_days == 0


def test_the_working_day_rule_uses_the_recorded_working_days(stay, social_worker):
    """Seven Monday–Wednesday absences: 21 working days of a 3-day week (> 18) but only 15 of a 5-day week."""
    for week in range(7):
        monday = D(2026, 8, 3) + dt.timedelta(weeks=2 * week)
        add(stay, social_worker, starts_on=monday, ends_on=monday + dt.timedelta(days=2))
    assert stay_sick_leave_state(stay, TODAY).verdict.bem is False
    services.work_situation_save(
        by=social_worker, stay=stay, working_days_per_week=3, hours_per_day="6.00", job_risk="none"
    )
    state = stay_sick_leave_state(stay, TODAY)
    assert (state.working_days_per_week, state.working_days_assumed) == (3, False)
    assert (state.verdict.working_days, state.verdict.working_day_limit, state.verdict.bem_rule) == (
        21,
        18,
        "working_days",
    )


def test_the_state_reads_in_three_queries_whatever_the_number_of_rows(stay, social_worker, django_assert_num_queries):
    """Periods, trigger outcomes, work situation."""
    add(stay, social_worker)
    with django_assert_num_queries(3):
        stay_sick_leave_state(stay, TODAY)
    for month in range(1, 8):
        add(stay, social_worker, starts_on=D(2026, month, 2), ends_on=D(2026, month, 5))
    services.trigger_examination_record(
        by=social_worker, stay=stay, kind="bem", examined_on=D(2026, 11, 5), outcome="indicated", today=TODAY
    )
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=4)
    with django_assert_num_queries(3):
        stay_sick_leave_state(stay, TODAY)


# --- work situation -----------------------------------------------------------------------------------------------


def test_the_work_situation_is_recorded_once_then_changed_with_history(stay, social_worker, treating_psychologist):
    situation = services.work_situation_save(
        by=social_worker, stay=stay, working_days_per_week=4, disability="severe", note="GdB 50 seit 2020"
    )
    assert (situation.working_days_per_week, situation.disability, situation.updated_by) == (4, "severe", social_worker)
    recorded = AuditEntry.objects.get(action="reintegration.work_situation.recorded")
    assert recorded.data["values"]["working_days_per_week"] == 4
    assert "note" not in recorded.data["values"]  # free text stays out of the audit log
    services.work_situation_save(by=treating_psychologist, stay=stay, working_days_per_week=5, disability="severe")
    assert WorkSituation.objects.count() == 1
    changed = AuditEntry.objects.get(action="reintegration.work_situation.changed")
    assert changed.data == {"fields": ["working_days_per_week"], "values": {"working_days_per_week": 5}}
    assert [v.working_days_per_week for v in WorkSituation.history.order_by("history_id")] == [4, 5]


def test_an_unchanged_work_situation_is_not_saved_again(stay, social_worker):
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=4)
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=4)
    assert WorkSituation.history.count() == 1
    assert AuditEntry.objects.filter(action__startswith="reintegration.work_situation.").count() == 1


def test_without_a_planned_discharge_there_is_no_projection_and_no_due_date(make_stay, social_worker):
    stay = make_stay(discharge_date=None)
    add(stay, social_worker, starts_on=D(2026, 8, 3), ends_on=D(2026, 11, 1))
    state = stay_sick_leave_state(stay, D(2027, 6, 1))
    assert (state.projected, state.projected_summary) == (None, "")
    assert [(t.state, t.due_by) for t in state.triggers] == [("open", None), ("open", None)]
