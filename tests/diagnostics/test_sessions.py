"""Diagnostic sessions (rec 4.1): recording, refusals that store nothing, corrections that keep the original."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from diagnostics.models import DiagnosticSession
from diagnostics.services.sessions import SessionRefused, session_correct, session_record
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 20)  # the default stay was admitted on 2026-11-02


def record(stay, by, **kwargs):
    values = {"held_on": dt.date(2026, 11, 3), "minutes": 60, "professions": ["psychologist"], "today": TODAY}
    return session_record(by=by, stay=stay, **{**values, **kwargs})


def test_a_session_is_stored_with_its_distinct_professions_and_an_audit_row(stay, treating_psychologist):
    session = record(stay, treating_psychologist, professions=["social_worker", "psychologist", "psychologist"])
    assert session.professions == ["psychologist", "social_worker"]
    assert session.created_by == treating_psychologist
    assert AuditEntry.objects.filter(action="diagnostics.session.recorded", object_id=str(session.pk)).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"professions": []}, "professions", "at least one profession"),
        ({"professions": ["astronaut"]}, "professions", "Unknown profession"),
        ({"held_on": dt.date(2026, 11, 1)}, "held_on", "before the admission (02.11.2026)"),
        ({"held_on": TODAY + dt.timedelta(days=1)}, "held_on", "in the future"),
    ],
)
def test_a_session_that_breaks_a_rule_is_refused_and_nothing_is_stored(
    stay, treating_psychologist, kwargs, field, message
):
    with translation.override("en"), pytest.raises(SessionRefused) as refused:
        record(stay, treating_psychologist, **kwargs)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not DiagnosticSession.objects.exists()


@pytest.mark.parametrize("minutes", [0, 601])
def test_minutes_outside_1_to_600_are_refused(stay, treating_psychologist, minutes):
    with pytest.raises(ValidationError) as refused:
        record(stay, treating_psychologist, minutes=minutes)
    assert "minutes" in refused.value.message_dict
    assert not DiagnosticSession.objects.exists()


def test_a_correction_keeps_the_original_version_with_the_reason(stay, treating_psychologist, social_worker):
    session = record(stay, treating_psychologist, minutes=60)
    session_correct(
        by=social_worker,
        session=session,
        reason="typo in the minutes",
        held_on=session.held_on,
        minutes=90,
        professions=["psychologist", "social_worker"],
        phase="start",
        today=TODAY,
    )
    versions = list(session.history.order_by("history_date"))
    assert [v.minutes for v in versions] == [60, 90]
    assert versions[-1].history_change_reason == "typo in the minutes"
    assert versions[-1].history_user == social_worker
    entry = AuditEntry.objects.get(action="diagnostics.session.corrected")
    assert entry.data["fields"] == ["minutes", "professions"]


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(stay, treating_psychologist):
    session = record(stay, treating_psychologist, minutes=60)
    with pytest.raises(SessionRefused):
        session_correct(
            by=treating_psychologist,
            session=session,
            reason=" ",
            held_on=session.held_on,
            minutes=90,
            professions=["psychologist"],
            phase="start",
            today=TODAY,
        )
    session.refresh_from_db()
    assert session.minutes == 60
    assert session.history.count() == 1
