"""The sick-leave API: a stay's periods, window, days, triggers and outcomes as JSON, the UI's permissions (404
outside the care team), an audit row per read, constant queries, and its place in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.urls import reverse

from reintegration.services import sickleave as services
from tests.reintegration.matrix_sickleave import TODAY, period_values
from wmr.models import AuditEntry

D = dt.date


def api(stay):
    return reverse("api:stay-sick-leave", args=[stay.pk])


def add(stay, by, **overrides):
    return services.sick_leave_add(by=by, stay=stay, today=TODAY, **period_values(**overrides))


def test_the_api_returns_periods_window_days_triggers_and_outcomes(stay, social_worker, client_for):
    period = add(stay, social_worker, starts_on=D(2026, 8, 3), ends_on=D(2026, 11, 1))
    services.trigger_examination_record(
        by=social_worker, stay=stay, kind="bem", examined_on=D(2026, 11, 10), outcome="indicated", today=TODAY
    )
    response = client_for(social_worker).get(api(stay))
    assert response.status_code == 200
    body = response.json()
    before = body["before_admission"]
    assert (before["reference"], before["window_start"], before["window_end"]) == (
        "2026-11-01",
        "2025-11-02",
        "2026-11-01",
    )
    assert (before["calendar_days"], before["working_days"], before["working_day_limit"]) == (91, 65, 30)
    assert (before["bem"], before["bem_rule"], before["bem_since"]) == (True, "both", "2026-09-14")
    assert (before["grtw_due"], before["grtw_min_days"]) == (True, 90)
    assert (before["s74_due"], before["s74_due_from"]) == (True, "2026-09-13")
    assert body["at_discharge"]["calendar_days"] == 127
    assert body["working_days_assumed"] is True
    assert body["periods"] == [
        {
            "id": period.pk,
            "kind": "certified",
            "starts_on": "2026-08-03",
            "ends_on": "2026-11-01",
            "diagnosis_group": "F43",
            "note": "",
            "days_counted": 91,
        }
    ]
    triggers = {t["kind"]: t for t in body["triggers"]}
    assert (triggers["bem"]["state"], triggers["bem"]["examination"]["outcome"]) == ("done", "indicated")
    assert (triggers["graded_return"]["state"], triggers["graded_return"]["due_by"]) == ("open", "2026-12-07")
    assert triggers["graded_return"]["examination"] is None
    assert [e["kind"] for e in body["examinations"]] == ["bem"]
    assert body["work_situation"] is None


def test_an_api_read_is_audited(stay, treating_psychologist, client_for):
    client_for(treating_psychologist).get(api(stay))
    assert AuditEntry.objects.filter(
        action="reintegration.sick_leave.api_viewed", user=treating_psychologist, stay_id=stay.pk
    ).exists()


def test_outside_the_care_team_the_api_answers_404(stay, other_team_clinician, manager, client_for):
    add(stay, other_team_clinician)
    for user in (other_team_clinician, manager):
        assert client_for(user).get(api(stay)).status_code == 404
    assert not AuditEntry.objects.filter(action="reintegration.sick_leave.api_viewed").exists()


def test_the_api_reads_in_constant_queries(stay, social_worker, client_for, django_assert_max_num_queries):
    client = client_for(social_worker)
    add(stay, social_worker)
    with django_assert_max_num_queries(20) as one:
        assert client.get(api(stay)).status_code == 200
    for month in range(1, 8):
        add(stay, social_worker, starts_on=D(2026, month, 2), ends_on=D(2026, month, 4))
    services.trigger_examination_record(
        by=social_worker, stay=stay, kind="bem", examined_on=D(2026, 11, 5), outcome="indicated", today=TODAY
    )
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=4)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(api(stay)).status_code == 200


def test_the_sick_leave_path_is_in_the_schema_with_its_own_enums(tmp_path):
    """Warnings of the whole schema are tests/patients/test_api.py's concern; this checks the sick-leave part."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/stays/{stay_pk}/sick-leave/:" in schema
    assert "SickLeaveKindEnum:" in schema and "SickLeaveTriggerKindEnum:" in schema
    assert "SickLeaveState:" in schema
