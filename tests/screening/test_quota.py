"""The pure quota rules (Q-1…Q-6, S-3, D-2) with the worked cases T20–T26 of ../shared/domain/screening.md."""

from __future__ import annotations

import datetime as dt

import pytest

from screening import quota
from screening.quota import Correction, Decision, Need, Screening, StayFacts

D = dt.date
Q1_END = D(2026, 3, 20)
FEB2 = D(2026, 2, 2)
MAR30 = D(2026, 3, 30)
MAR4 = D(2026, 3, 4)


def wmr_stay(number: str, status: str | None, *, discharge=Q1_END, admission=FEB2) -> StayFacts:
    """A stay assigned to WMR on day 3 after one screening on day 1 (``status`` None: no screening at all)."""
    screenings = (Screening(id=1, completed_on=admission, status=status),) if status else ()
    return StayFacts(
        number=number,
        admission_date=admission,
        discharge_date=discharge,
        department_code="3197",
        screenings=screenings,
        decisions=(Decision(id=1, decision="assign", decided_on=admission + dt.timedelta(days=2)),),
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [(D(2026, 1, 1), (2026, 1)), (D(2026, 3, 31), (2026, 1)), (D(2026, 4, 1), (2026, 2)), (D(2026, 12, 31), (2026, 4))],
)
def test_quarter_of_a_day(day, expected):
    assert quota.quarter_of(day) == expected


def test_quarter_bounds_and_the_previous_quarter():
    assert quota.quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert quota.quarter_bounds(2024, 1) == (D(2024, 1, 1), D(2024, 3, 31))
    assert quota.quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert quota.previous_quarter(D(2026, 4, 1)) == (2026, 1)
    assert quota.previous_quarter(D(2026, 1, 1)) == (2025, 4)
    with pytest.raises(ValueError, match="quarter must be 1–4"):
        quota.quarter_bounds(2026, 5)


def test_a_completion_just_after_midnight_in_berlin_belongs_to_the_berlin_day():
    # 31 March 2026 22:30 UTC is 1 April 00:30 in Berlin (summer time): a Q2 date.
    moment = dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)
    assert quota.local_date(moment) == D(2026, 4, 1)
    assert quota.quarter_of(quota.local_date(moment)) == (2026, 2)


def test_t20_sixteen_of_twenty_positive_is_met():
    stays = [wmr_stay(f"S{i}", "positive" if i < 16 else "negative") for i in range(20)]
    share = quota.quota_share(stays)
    assert (share.numerator, share.denominator, share.outcome) == (16, 20, "met")
    assert str(share.percent) == "80.0"


def test_t21_fifteen_of_twenty_is_exactly_75_percent_and_not_met():
    stays = [wmr_stay(f"S{i}", "positive" if i < 15 else "negative") for i in range(20)]
    share = quota.quota_share(stays)
    assert (share.numerator, share.denominator, share.outcome) == (15, 20, "not_met")
    assert str(share.percent) == "75.0"


def test_t22_a_not_possible_screening_stays_in_the_denominator():
    stays = [wmr_stay(f"S{i}", "positive") for i in range(3)] + [wmr_stay("NP", "not_possible")]
    figures = quota.quarter_figures(stays, 2026, 1)
    assert (figures.share.numerator, figures.share.denominator, figures.share.outcome) == (3, 4, "not_met")
    assert [(w.number, w.status) for w in figures.without_positive] == [("NP", "not_possible")]


def test_t23_a_stay_switched_out_of_wmr_is_not_in_the_denominator():
    switched = StayFacts(
        number="OUT",
        admission_date=D(2026, 2, 2),
        discharge_date=D(2026, 3, 10),
        department_code="3197",
        screenings=(Screening(id=1, completed_on=D(2026, 2, 2), status="positive"),),
        decisions=(
            Decision(id=1, decision="assign", decided_on=D(2026, 2, 4)),
            Decision(id=2, decision="not_assign", decided_on=D(2026, 2, 20), is_switch=True),
        ),
    )
    assert quota.final_code(switched) == "3100"
    assert not quota.in_denominator(switched, 2026, 1)
    figures = quota.quarter_figures([switched, wmr_stay("IN", "positive")], 2026, 1)
    assert figures.share.denominator == 1
    assert (figures.switches_into, figures.switches_out) == (0, 1)


def test_t24_no_wmr_stays_discharged_is_not_applicable_never_zero_or_hundred_percent():
    running = wmr_stay("RUN", "negative", discharge=D(2026, 4, 20))
    figures = quota.quarter_figures([running], 2026, 1)
    assert figures.share.outcome == "not_applicable"
    assert figures.share.percent is None
    assert figures.as_json()["share"]["percent"] is None
    # the running stay is shown separately as provisional
    assert figures.provisional_numbers == ["RUN"]
    assert (figures.provisional.numerator, figures.provisional.denominator) == (0, 1)


def test_t25_the_index_screening_is_the_rescreen_before_the_first_assign():
    stay = StayFacts(
        number="T25",
        admission_date=D(2026, 3, 2),
        discharge_date=D(2026, 3, 30),
        department_code="3100",
        screenings=(
            Screening(id=1, completed_on=D(2026, 3, 2), status="negative"),
            Screening(id=2, completed_on=D(2026, 3, 11), status="positive"),
        ),
        decisions=(Decision(id=1, decision="assign", decided_on=D(2026, 3, 13)),),
    )
    assert quota.index_screening(stay).id == 2
    assert quota.index_is_positive(stay)


def test_the_index_is_the_earliest_complete_result_after_the_assignment_when_none_before():
    stay = StayFacts(
        number="late",
        admission_date=D(2026, 3, 2),
        discharge_date=D(2026, 3, 30),
        department_code="3197",
        screenings=(
            Screening(id=1, completed_on=D(2026, 3, 2), status="incomplete"),
            Screening(id=2, completed_on=D(2026, 3, 9), status="negative"),
            Screening(id=3, completed_on=D(2026, 3, 12), status="positive"),
        ),
        decisions=(Decision(id=1, decision="assign", decided_on=D(2026, 3, 4)),),
    )
    assert quota.index_screening(stay).id == 2
    assert not quota.index_is_positive(stay)


def test_a_need_found_in_the_interview_is_not_a_positive_screening_but_is_listed():
    stay = StayFacts(
        number="NEED",
        admission_date=D(2026, 2, 2),
        discharge_date=D(2026, 3, 1),
        department_code="3197",
        screenings=(Screening(id=1, completed_on=D(2026, 2, 2), status="negative"),),
        decisions=(Decision(id=1, decision="assign", decided_on=D(2026, 2, 4)),),
        needs=(Need(source="medical_admission_interview", reason="long sick leave", assessed_on=D(2026, 2, 3)),),
    )
    figures = quota.quarter_figures([stay], 2026, 1)
    assert figures.share.numerator == 0
    assert figures.without_positive[0].need_source == "medical_admission_interview"
    assert figures.without_positive[0].need_reason == "long sick leave"


@pytest.mark.parametrize(
    ("shared_on", "expected"), [(D(2026, 4, 14), "met"), (D(2026, 4, 15), "not_met"), (None, "not_met")]
)
def test_t26_the_report_must_be_shared_within_14_days_after_the_quarter(shared_on, expected):
    assert quota.share_due_date(2026, 1) == D(2026, 4, 14)
    assert quota.shared_in_time(2026, 1, shared_on) == expected


@pytest.mark.parametrize(("completed", "expected"), [(D(2026, 3, 8), True), (D(2026, 3, 9), False)])
def test_screened_at_start_by_day_seven(completed, expected):
    stay = StayFacts(
        number="X",
        admission_date=D(2026, 3, 2),
        discharge_date=None,
        department_code="3100",
        screenings=(Screening(id=1, completed_on=completed, status="negative"),),
    )
    assert quota.screened_at_start(stay) is expected


def test_a_not_possible_or_incomplete_screening_is_not_screened_at_start():
    stay = StayFacts(
        number="X",
        admission_date=D(2026, 3, 2),
        discharge_date=None,
        department_code="3100",
        screenings=(
            Screening(id=1, completed_on=D(2026, 3, 2), status="not_possible"),
            Screening(id=2, completed_on=D(2026, 3, 3), status="incomplete"),
        ),
    )
    assert not quota.screened_at_start(stay)


def _coded(corrections=(), discharge=MAR30, decided=MAR4) -> StayFacts:
    return StayFacts(
        number="C",
        admission_date=D(2026, 3, 2),
        discharge_date=discharge,
        department_code="3100",
        decisions=(Decision(id=7, decision="assign", decided_on=decided),),
        corrections=tuple(corrections),
    )


def test_code_corrections_on_day_seven_in_time_day_eight_late_none_open():
    on_time = Correction(decision_id=7, from_code="3100", to_code="3197", corrected_on=D(2026, 3, 8))
    late = Correction(decision_id=7, from_code="3100", to_code="3197", corrected_on=D(2026, 3, 9))
    assert quota.code_correction(_coded([on_time])) == "in_time"
    assert quota.code_correction(_coded([late])) == "late"
    assert quota.code_correction(_coded()) == "open"


def test_a_discharge_before_day_seven_moves_the_code_due_date():
    correction = Correction(decision_id=7, from_code="3100", to_code="3197", corrected_on=D(2026, 3, 7))
    assert quota.code_correction(_coded([correction], discharge=D(2026, 3, 6))) == "late"


def test_no_mismatch_is_not_a_code_correction_case_and_a_late_first_decision_is_due_on_day_seven():
    matching = StayFacts(
        number="M",
        admission_date=D(2026, 3, 2),
        discharge_date=None,
        department_code="3197",
        decisions=(
            Decision(id=1, decision="assign", decided_on=D(2026, 3, 2)),
            Decision(id=2, decision="not_assign", decided_on=D(2026, 3, 20), is_switch=True),
        ),
    )
    assert quota.code_correction(matching) is None  # the switch after week 1 is outside rec. 2.5 (D-5)
    late_decision = Correction(decision_id=7, from_code="3100", to_code="3197", corrected_on=D(2026, 3, 13))
    assert quota.code_correction(_coded(decided=D(2026, 3, 12))) == "open"
    assert quota.code_correction(_coded([late_decision], decided=D(2026, 3, 12))) == "late"
