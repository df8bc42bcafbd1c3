"""Pure rules of the diagnostics: rec 4.1 (≥ 90 minutes, ≥ 2 professions, at the start, by day 10), P-4.

Admission Monday 2026-03-02, so treatment day 10 = Wednesday 2026-03-11.
"""

import datetime as dt

import pytest
from django.utils import translation

from diagnostics import rules
from diagnostics.rules import SessionFact

ADMISSION = dt.date(2026, 3, 2)
DAY10 = dt.date(2026, 3, 11)


def day(n: int) -> dt.date:
    return ADMISSION + dt.timedelta(days=n - 1)


def start(minutes, *professions, on=None, phase="start"):
    return SessionFact(phase=phase, held_on=on or day(3), minutes=minutes, professions=tuple(professions))


def state(sessions, today=None, **kwargs):
    return rules.diagnostics_at_start(sessions, admission=ADMISSION, today=today or day(5), **kwargs)


def test_day_10_of_a_stay_admitted_on_monday_2026_03_02_is_wednesday_2026_03_11():
    assert rules.day_date(ADMISSION, 10) == DAY10
    assert state([]).due_date == DAY10


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(89, "open"), (90, "met"), (91, "met")],
)
def test_ninety_minutes_is_the_boundary(minutes, expected):
    assert state([start(minutes, "psychologist", "social_worker")]).state == expected


@pytest.mark.parametrize(
    ("professions", "expected"),
    [
        ((), "open"),
        (("psychologist",), "open"),
        (("psychologist", "psychologist"), "open"),  # one profession twice is one profession
        (("psychologist", "social_worker"), "met"),
        (("psychologist", "social_worker", "physician"), "met"),
    ],
)
def test_two_distinct_professions_are_the_boundary(professions, expected):
    assert state([start(120, *professions)]).state == expected


def test_minutes_and_professions_add_up_over_several_start_sessions():
    result = state([start(45, "psychologist"), start(45, "social_worker", on=day(4))])
    assert result.state == "met"
    assert result.minutes == 90
    assert result.professions == ("psychologist", "social_worker")


def test_a_session_on_day_10_counts_and_one_on_day_11_does_not():
    assert state([start(90, "psychologist", "social_worker", on=day(10))], today=day(12)).state == "met"
    assert state([start(90, "psychologist", "social_worker", on=day(11))], today=day(12)).state == "late"


def test_the_second_profession_on_day_11_makes_it_late_not_met():
    sessions = [start(90, "psychologist", on=day(2)), start(30, "social_worker", on=day(11))]
    result = state(sessions, today=day(12))
    assert result.state == "late"
    assert result.minutes == 90
    assert result.professions == ("psychologist",)
    assert result.minutes_all == 120


@pytest.mark.parametrize("phase", ["discharge", "other"])
def test_only_sessions_of_phase_start_count(phase):
    sessions = [start(60, "psychologist"), start(60, "social_worker", phase=phase)]
    assert state(sessions, today=day(11)).state == "overdue"


def test_the_state_is_open_up_to_day_10_and_overdue_from_day_11():
    assert state([], today=day(10)).state == "open"
    assert state([], today=day(11)).state == "overdue"
    assert state([start(89, "psychologist", "social_worker")], today=day(11)).state == "overdue"


def test_a_due_day_setting_moves_the_boundary():
    assert state([start(90, "psychologist", "nurse", on=day(8))], due_day=7, today=day(9)).state == "late"


def test_the_reason_names_what_is_missing():
    with translation.override("en"):
        reason = state([start(60, "psychologist")]).reason
    assert "30 minutes missing" in reason
    assert "1 more profession needed" in reason
    assert "11.03.2026" in reason


def test_the_reason_of_a_met_state_names_minutes_and_professions():
    with translation.override("en"):
        reason = state([start(90, "psychologist", "nurse")]).reason
    assert reason.startswith("90 minutes, 2 profession(s)")


@pytest.mark.parametrize(
    ("done", "today", "expected"),
    [(True, day(20), "done"), (False, day(10), "open"), (False, day(11), "overdue")],
)
def test_a_due_item_is_open_until_its_due_date_then_overdue(done, today, expected):
    assert rules.due_state(done, due_date=DAY10, today=today) == expected


@pytest.mark.parametrize(
    ("professions", "warns"),
    [
        ([], True),
        (["psychologist"], True),  # E12
        (["psychologist", "psychologist"], True),
        (["psychologist", ""], True),
        (["psychologist", "social_worker"], False),
    ],
)
def test_p4_warns_when_fewer_than_two_distinct_professions_rated(professions, warns):
    assert (rules.interprofessional_warning(professions) is not None) is warns
