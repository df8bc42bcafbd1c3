"""The sick-leave history in the browser: the page (window, days, triggers in words, projection, §74 note, periods,
outcomes, history), its form pages (bad input keeps what was typed with an English message, nothing stored), the
case overview's tasks, periods of another stay answering 404, and the query budget."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from reintegration.models import SickLeavePeriod, TriggerExamination, WorkSituation
from reintegration.services import sickleave as services
from tests.reintegration.matrix_sickleave import TODAY, as_post, period_values, work_situation_values
from wmr.models import AuditEntry

D = dt.date


def url(name, stay, *args):
    return reverse(f"reintegration:{name}", args=[stay.pk, *args])


def add(stay, by, **overrides):
    return services.sick_leave_add(by=by, stay=stay, today=TODAY, **period_values(**overrides))


def page(client, stay) -> str:
    response = client.get(url("sick-leave", stay))
    assert response.status_code == 200
    return response.content.decode()


def overview(client, stay) -> str:
    response = client.get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 200
    return response.content.decode()


def helen_like(stay, by):
    """91 days of AU up to the day before the admission on 02.11.2026."""
    return add(stay, by, starts_on=D(2026, 8, 3), ends_on=D(2026, 11, 1))


# --- the page -------------------------------------------------------------------------------------------------------


def test_the_page_explains_the_days_and_what_they_trigger(stay, social_worker, client_for):
    helen_like(stay, social_worker)
    html = page(client_for(social_worker, language="en"), stay)
    assert (
        "91 days of sick leave in the 12 months before admission (02.11.2025–01.11.2026): more than 42 days and more "
        "than 30 working days → BEM to be examined (8.2); at least 90 days → examine a graded return (8.4)."
    ) in html
    assert 'data-testid="sick-leave-calendar-days" data-days="91"' in html
    assert 'data-testid="sick-leave-working-days" data-days="65"' in html
    assert "5-day week, Monday to Friday counted as working days" in html
    assert 'data-testid="working-days-assumed"' in html
    assert 'data-kind="bem" data-state="open" data-active="yes"' in html
    assert 'data-kind="graded_return" data-state="open" data-active="yes"' in html
    assert "due by discharge (07.12.2026)" in html
    assert 'data-testid="s74-note"' in html
    assert "At the planned discharge on 07.12.2026, counting the rehab stay: 127 days" in html
    assert AuditEntry.objects.filter(action="reintegration.sick_leave.viewed", stay_id=stay.pk).exists()


def test_an_empty_history_says_so_and_offers_the_entry_to_clinicians(stay, treating_psychologist, client_for):
    html = page(client_for(treating_psychologist, language="en"), stay)
    assert 'data-testid="no-periods"' in html
    assert "0 days of sick leave in the 12 months before admission" in html
    assert url("sick-leave-add", stay) in html
    assert 'data-kind="bem" data-state="not_triggered"' in html


def test_the_page_lists_periods_with_their_days_in_the_window_and_the_history(stay, social_worker, client_for):
    period = add(stay, social_worker, starts_on=D(2025, 10, 20), ends_on=D(2025, 11, 10))
    html = page(client_for(social_worker, language="en"), stay)
    assert f'data-period="{period.pk}"' in html
    assert 'data-testid="period-days">9<' in html  # 02.11.–10.11.2025 inside the window
    assert url("sick-leave-correct", stay, period.pk) in html
    assert 'data-testid="history"' in html


# --- adding a period ----------------------------------------------------------------------------------------------


def test_a_period_entered_on_the_form_lands_on_the_page(stay, social_worker, client_for):
    client = client_for(social_worker, language="en")
    response = client.post(url("sick-leave-add", stay), as_post(period_values()))
    assert response.status_code == 302
    assert response["Location"] == url("sick-leave", stay) + "#periods"
    assert SickLeavePeriod.objects.get().created_by == social_worker
    assert "30 days of sick leave" in page(client, stay)


def test_an_end_before_the_start_shows_the_form_again_with_the_typed_values(stay, social_worker, client_for):
    client = client_for(social_worker, language="en")
    data = as_post(period_values(ends_on=D(2026, 8, 20), diagnosis_group="Rücken (M54)"))
    response = client.post(url("sick-leave-add", stay), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The period cannot end (20.08.2026) before it starts (01.09.2026)." in html
    assert 'value="2026-09-01"' in html and 'value="2026-08-20"' in html
    assert 'value="Rücken (M54)"' in html
    assert not SickLeavePeriod.objects.exists()


def test_a_period_after_the_admission_is_refused_on_the_form(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("sick-leave-add", stay), as_post(period_values(starts_on=D(2026, 11, 3), ends_on=None))
    )
    assert response.status_code == 200
    assert "a period must start before it" in response.content.decode()
    assert not SickLeavePeriod.objects.exists()


def test_a_future_start_is_refused_on_the_form(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("sick-leave-add", stay), as_post(period_values(starts_on=D(2099, 1, 1), ends_on=None))
    )
    assert "The start 01.01.2099 lies in the future." in response.content.decode()
    assert not SickLeavePeriod.objects.exists()


def test_a_duplicate_is_refused_on_the_form(stay, social_worker, client_for):
    add(stay, social_worker)
    response = client_for(social_worker, language="en").post(url("sick-leave-add", stay), as_post(period_values()))
    assert "A period with the same dates is entered already." in response.content.decode()
    assert SickLeavePeriod.objects.count() == 1


def test_a_missing_start_is_a_field_error(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("sick-leave-add", stay), as_post(period_values(starts_on=None))
    )
    assert "Please give the first day of the sick leave." in response.content.decode()


# --- correcting and removing --------------------------------------------------------------------------------------


def test_a_correction_shows_the_earlier_version(stay, social_worker, client_for):
    period = add(stay, social_worker)
    client = client_for(social_worker, language="en")
    response = client.post(url("sick-leave-correct", stay, period.pk), as_post(period_values(ends_on=D(2026, 10, 9))))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.ends_on == D(2026, 10, 9)
    html = client.get(url("sick-leave-correct", stay, period.pk)).content.decode()
    assert "Versions of this period" in html
    assert "<del>Sept. 30, 2026</del> → Oct. 9, 2026" in html


def test_a_refused_correction_keeps_the_typed_values_and_the_stored_period(stay, social_worker, client_for):
    period = add(stay, social_worker)
    response = client_for(social_worker, language="en").post(
        url("sick-leave-correct", stay, period.pk), as_post(period_values(ends_on=D(2026, 8, 2)))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The period cannot end (02.08.2026) before it starts (01.09.2026)." in html
    assert 'value="2026-08-02"' in html
    period.refresh_from_db()
    assert period.ends_on == D(2026, 9, 30)


def test_removing_without_a_reason_asks_for_it(stay, social_worker, client_for):
    period = add(stay, social_worker)
    response = client_for(social_worker, language="en").post(url("sick-leave-remove", stay, period.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Please give the reason why this period is removed." in response.content.decode()
    assert SickLeavePeriod.objects.filter(pk=period.pk).exists()


def test_removing_with_a_reason_is_audited_and_the_history_keeps_it(stay, social_worker, client_for):
    period = add(stay, social_worker)
    client = client_for(social_worker, language="en")
    response = client.post(url("sick-leave-remove", stay, period.pk), {"reason": "Doppelt erfasst"})
    assert response.status_code == 302
    assert not SickLeavePeriod.objects.exists()
    assert AuditEntry.objects.get(action="reintegration.sick_leave.removed").data["reason"] == "Doppelt erfasst"
    html = page(client, stay)
    assert "<td>deleted</td>" in html and "<td>created</td>" in html


def test_a_period_of_another_stay_answers_404_and_stays_unchanged(stay, make_stay, social_worker, client_for):
    other = make_stay()
    foreign = add(other, social_worker)
    client = client_for(social_worker)
    assert client.get(url("sick-leave-correct", stay, foreign.pk)).status_code == 404
    post = as_post(period_values(ends_on=D(2026, 10, 20)))
    assert client.post(url("sick-leave-correct", stay, foreign.pk), post).status_code == 404
    assert client.post(url("sick-leave-remove", stay, foreign.pk), {"reason": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.ends_on == D(2026, 9, 30)


# --- trigger outcomes and the case overview -----------------------------------------------------------------------


def test_the_overview_shows_the_triggers_as_open_tasks_until_an_outcome_is_recorded(
    stay, social_worker, treating_psychologist, client_for
):
    helen_like(stay, social_worker)
    client = client_for(treating_psychologist, language="en")
    html = overview(client, stay)
    assert 'data-testid="sick-leave-days" data-days="91"' in html
    assert 'data-testid="sick-leave-task" data-kind="bem" data-state="open"' in html
    assert 'data-testid="sick-leave-task" data-kind="graded_return" data-state="open"' in html
    assert url("trigger-examine", stay) + "?kind=graded_return" in html
    response = client.post(
        url("trigger-examine", stay),
        {"kind": "graded_return", "examined_on": "2026-11-20", "outcome": "indicated", "note": "Arbeitgeber offen"},
    )
    assert response.status_code == 302
    html = overview(client, stay)
    assert 'data-kind="graded_return" data-state="open"' not in html
    assert 'data-testid="sick-leave-trigger" data-kind="graded_return" data-state="done"' in html
    assert 'data-testid="sick-leave-task" data-kind="bem" data-state="open"' in html


def test_the_overview_hints_at_an_empty_history_with_a_link(stay, treating_psychologist, client_for):
    html = overview(client_for(treating_psychologist, language="en"), stay)
    assert 'data-testid="sick-leave-none"' in html
    assert "No sick leave entered." in html
    assert url("sick-leave-add", stay) in html
    assert 'data-testid="overview-sick-leave"' not in html


def test_the_outcome_form_preselects_the_trigger_from_the_link(stay, social_worker, client_for):
    html = client_for(social_worker, language="en").get(url("trigger-examine", stay) + "?kind=bem").content.decode()
    assert '<option value="bem" selected>' in html


def test_an_outcome_in_the_future_is_refused_with_the_typed_values(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("trigger-examine", stay),
        {"kind": "bem", "examined_on": "2099-01-01", "outcome": "declined", "note": "Patient möchte kein BEM"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The examination date 01.01.2099 lies in the future." in html
    assert "Patient möchte kein BEM" in html
    assert not TriggerExamination.objects.exists()


def test_an_outcome_without_a_choice_asks_for_it(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("trigger-examine", stay), {"kind": "bem", "examined_on": "2026-11-20", "note": ""}
    )
    assert "Please choose the outcome." in response.content.decode()
    assert not TriggerExamination.objects.exists()


# --- work situation -----------------------------------------------------------------------------------------------


def test_the_work_situation_is_recorded_and_changed_on_one_form(stay, social_worker, client_for):
    client = client_for(social_worker, language="en")
    response = client.post(url("work-situation", stay), work_situation_values(working_days_per_week="3"))
    assert response.status_code == 302
    assert WorkSituation.objects.get(stay=stay).working_days_per_week == 3
    html = client.get(url("work-situation", stay)).content.decode()
    assert 'value="3"' in html
    client.post(url("work-situation", stay), work_situation_values(working_days_per_week="4", disability="severe"))
    situation = WorkSituation.objects.get(stay=stay)
    assert (situation.working_days_per_week, situation.disability) == (4, "severe")
    html = client.get(url("work-situation", stay)).content.decode()
    assert "Earlier versions" in html
    assert "<td>3 days a week, 8 hours a day</td>" in html  # the first version stays readable
    assert "4 days a week, 8 hours a day" in page(client, stay)


def test_a_bad_work_situation_keeps_the_typed_values(stay, social_worker, client_for):
    response = client_for(social_worker, language="en").post(
        url("work-situation", stay), work_situation_values(working_days_per_week="8", note="Schichtdienst")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 7." in html
    assert "Schichtdienst" in html
    assert not WorkSituation.objects.exists()


# --- query budget -------------------------------------------------------------------------------------------------


def test_the_page_reads_in_constant_queries(stay, social_worker, client_for, django_assert_max_num_queries):
    """16: session, user, content types (first use in the process), the stay (care team), the audit row, two
    permission lookups (may write), periods, outcomes, work situation, the three history tables, the session save
    (savepoint, update, release). No more for many periods, outcomes and versions than for one."""
    client = client_for(social_worker)
    add(stay, social_worker)
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=5)
    with django_assert_max_num_queries(16) as one:
        page(client, stay)
    for month in range(1, 9):
        add(stay, social_worker, starts_on=D(2026, month, 2), ends_on=D(2026, month, 4), diagnosis_group="F43")
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=4)
    services.work_situation_save(by=social_worker, stay=stay, working_days_per_week=3)
    for kind in ("bem", "graded_return"):
        services.trigger_examination_record(
            by=social_worker, stay=stay, kind=kind, examined_on=D(2026, 11, 5), outcome="indicated", today=TODAY
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page(client, stay)


def test_the_overview_part_reads_in_constant_queries(stay, social_worker, client_for, django_assert_max_num_queries):
    client = client_for(social_worker)
    helen_like(stay, social_worker)
    with django_assert_max_num_queries(200) as one:
        overview(client, stay)
    for month in range(1, 8):
        add(stay, social_worker, starts_on=D(2026, month, 2), ends_on=D(2026, month, 4))
    services.trigger_examination_record(
        by=social_worker, stay=stay, kind="bem", examined_on=D(2026, 11, 5), outcome="indicated", today=TODAY
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        overview(client, stay)


def test_the_page_and_the_overview_render_in_german_too(stay, social_worker, client_for):
    """The clinic's language: every string goes through the translation (German texts come with the lead's pass)."""
    helen_like(stay, social_worker)
    services.trigger_examination_record(
        by=social_worker, stay=stay, kind="bem", examined_on=D(2026, 11, 5), outcome="indicated", today=TODAY
    )
    client = client_for(social_worker)
    assert 'data-testid="sick-leave-calendar-days" data-days="91"' in page(client, stay)
    assert 'data-testid="sick-leave-trigger" data-kind="bem" data-state="done"' in overview(client, stay)
