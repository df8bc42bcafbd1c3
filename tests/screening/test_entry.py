"""Staff and paper entry through the pages (T1, T3, T6), "not possible" (S-4) and corrections (R-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.errors import InvalidAnswer, NoScreeningSetting
from screening.models import InstrumentVersion, ResultStatus, ScreeningResult
from screening.services.entry import EntryRefused, result_correct, result_enter, result_not_possible
from screening.services.instruments import setting_set
from wmr.models import AuditEntry

T1 = {
    "age": "52",
    "employment_status": "unemployed",
    "sick_leave_now": "yes",
    "sick_leave_12m": "3_to_6_months",
    "limitation": "7",
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}
T3 = {
    "age": "45",
    "employment_status": "part_time",
    "sick_leave_now": "yes",
    "sick_leave_12m": "none",
    "limitation": "5",
    "prognosis": "stay_in_job",
    "motivation": "no",
}
COMPLETED = "2026-11-03T10:30"


def post_data(answers: dict, **extra) -> dict:
    return {**{f"item_{code}": value for code, value in answers.items()}, "completed_at": COMPLETED, **extra}


@pytest.fixture
def screening_setting(stay, admin_user):
    return setting_set(
        by=admin_user,
        facility=stay.facility,
        department_code=stay.department_code,
        instrument=InstrumentVersion.objects.get(code="simbo_c", version="DEMO-1"),
        preset_code="simbo_27",
        effective_from=dt.date(2026, 1, 1),
    ).setting


@pytest.fixture
def psych(client_for, treating_psychologist):
    return client_for(treating_psychologist)


def url(name: str, stay, *args) -> str:
    return reverse(f"screening:{name}", args=[stay.pk, *args])


def test_t1_paper_entry_through_the_page_scores_87_positive(psych, stay, screening_setting, treating_psychologist):
    response = psych.post(url("result-create", stay), post_data(T1, channel="paper"))
    assert response.status_code == 302
    result = ScreeningResult.objects.get(stay=stay)
    assert (result.status, result.total, result.channel) == ("positive", 87, "paper")
    assert result.entered_by == treating_psychologist
    assert result.rule["threshold"]["value"] == 27 and result.preset_code == "simbo_27"
    assert result.completed_at == timezone.make_aware(dt.datetime(2026, 11, 3, 10, 30))
    assert AuditEntry.objects.filter(action="screening.result.recorded", object_id=str(result.pk)).exists()
    page = psych.get(url("result-list", stay)).content.decode()
    assert "87" in page and "total ≥ 27" in page and 'data-testid="demo-banner"' in page


def test_t3_staff_entry_at_the_cut_off_is_positive_and_shown_on_the_list(psych, stay, screening_setting):
    psych.post(url("result-create", stay), post_data(T3, channel="staff"))
    result = ScreeningResult.objects.get(stay=stay)
    assert (result.status, result.total) == ("positive", 27)
    response = psych.get(url("result-list", stay))
    assert response.context["rows"][0].result == result
    assert AuditEntry.objects.filter(action="screening.results.viewed", stay_id=stay.pk).exists()


def test_t5_a_missing_answer_is_stored_incomplete_and_listed_as_missing(psych, stay, screening_setting):
    answers = {**T1, "limitation": ""}
    psych.post(url("result-create", stay), post_data(answers, channel="paper"))
    result = ScreeningResult.objects.get(stay=stay)
    assert (result.status, result.total, result.missing) == ("incomplete", None, ["limitation"])
    row = psych.get(url("result-list", stay)).context["rows"][0]
    limitation = next(item for item in screening_setting.instrument.definition["items"] if item["code"] == "limitation")
    assert row.missing == [limitation["label_de"]]


def test_t6_an_answer_out_of_range_is_shown_at_the_question_keeps_the_input_and_stores_nothing(
    psych, stay, screening_setting
):
    response = psych.post(url("result-create", stay), post_data({**T1, "limitation": "11"}, channel="paper"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "0" in form.errors["item_limitation"][0] and "10" in form.errors["item_limitation"][0]
    assert form["item_limitation"].value() == "11"
    assert form["item_employment_status"].value() == "unemployed"
    assert not ScreeningResult.objects.exists()


def test_an_answer_that_is_not_an_option_is_refused_at_the_question(psych, stay, screening_setting):
    response = psych.post(url("result-create", stay), post_data({**T1, "prognosis": "lottery"}, channel="paper"))
    assert response.status_code == 200
    assert response.context["form"].errors["item_prognosis"]
    assert not ScreeningResult.objects.exists()


def test_a_completion_time_in_the_future_is_refused(stay, screening_setting, treating_psychologist):
    now = timezone.make_aware(dt.datetime(2026, 11, 3, 12, 0))
    with pytest.raises(EntryRefused):
        result_enter(
            by=treating_psychologist,
            stay=stay,
            answers=T1,
            channel="staff",
            completed_at=now + dt.timedelta(hours=1),
            now=now,
        )


def test_without_a_setting_the_entry_page_explains_instead_of_failing(psych, stay, treating_psychologist):
    response = psych.get(url("result-create", stay))
    assert response.status_code == 200
    assert 'data-testid="no-setting"' in response.content.decode()
    with pytest.raises(NoScreeningSetting):
        result_enter(
            by=treating_psychologist,
            stay=stay,
            answers=T1,
            channel="staff",
            completed_at=timezone.now(),
            now=timezone.now(),
        )
    assert psych.get(url("result-list", stay)).status_code == 200


def test_not_possible_needs_a_reason_and_is_listed(psych, stay, screening_setting):
    response = psych.post(url("result-not-possible", stay), {"reason": "  ", "completed_at": COMPLETED})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not ScreeningResult.objects.exists()
    psych.post(url("result-not-possible", stay), {"reason": "Keine Deutschkenntnisse", "completed_at": COMPLETED})
    result = ScreeningResult.objects.get(stay=stay)
    assert (result.status, result.not_possible_reason, result.total) == (
        "not_possible",
        "Keine Deutschkenntnisse",
        None,
    )
    assert not result.is_complete
    assert AuditEntry.objects.filter(action="screening.result.not_possible", object_id=str(result.pk)).exists()
    assert "Keine Deutschkenntnisse" in psych.get(url("result-list", stay)).content.decode()


def test_not_possible_service_refuses_a_blank_reason(stay, treating_psychologist):
    with pytest.raises(EntryRefused):
        result_not_possible(
            by=treating_psychologist, stay=stay, reason=" ", completed_at=timezone.now(), now=timezone.now()
        )


def test_a_correction_is_a_new_result_and_the_original_stays_listed_as_corrected(
    psych, stay, screening_setting, social_worker, client_for
):
    psych.post(url("result-create", stay), post_data(T3, channel="paper"))
    original = ScreeningResult.objects.get(stay=stay)
    form_page = psych.get(url("result-correct", stay, original.pk))
    assert form_page.context["form"]["item_limitation"].value() == 5

    missing_reason = psych.post(url("result-correct", stay, original.pk), post_data({**T3, "limitation": "3"}))
    assert missing_reason.status_code == 200 and missing_reason.context["form"].errors["reason"]

    response = client_for(social_worker).post(
        url("result-correct", stay, original.pk), post_data({**T3, "limitation": "3"}, reason="Tippfehler")
    )
    assert response.status_code == 302
    correction = ScreeningResult.objects.get(corrects=original)
    original.refresh_from_db()
    assert (original.status, original.total, original.answers["limitation"]) == ("positive", 27, 5)
    assert original.answers["sick_leave_now"] is True
    assert (correction.status, correction.total) == ("negative", 23)
    assert correction.correction_reason == "Tippfehler" and correction.entered_by == social_worker
    assert correction.rule == original.rule and correction.channel == "paper"
    assert AuditEntry.objects.filter(action="screening.result.corrected", object_id=str(correction.pk)).exists()

    rows = {row.result.pk: row for row in psych.get(url("result-list", stay)).context["rows"]}
    assert rows[original.pk].corrected_by == correction
    assert rows[correction.pk].corrected_by is None


def test_a_correction_keeps_the_frozen_rule_after_the_facility_changed_its_cut_off(
    stay, screening_setting, admin_user, treating_psychologist
):
    now = timezone.now()
    original = result_enter(by=treating_psychologist, stay=stay, answers=T3, channel="staff", completed_at=now, now=now)
    setting_set(
        by=admin_user,
        facility=stay.facility,
        department_code=stay.department_code,
        instrument=original.instrument,
        preset_code="simbo_gt30",
        effective_from=timezone.localdate(now),
    )
    corrected = result_correct(
        by=treating_psychologist,
        result=original,
        answers={**T3, "age": "46"},
        reason="Alter",
        completed_at=now,
        now=now,
    )
    assert corrected.status == "positive" and corrected.preset_code == "simbo_27"


def test_a_result_cannot_be_corrected_twice_nor_a_not_possible_record(stay, screening_setting, treating_psychologist):
    now = timezone.now()
    original = result_enter(by=treating_psychologist, stay=stay, answers=T3, channel="staff", completed_at=now, now=now)
    result_correct(by=treating_psychologist, result=original, answers=T3, reason="erneut", completed_at=now, now=now)
    with pytest.raises(EntryRefused):
        result_correct(
            by=treating_psychologist, result=original, answers=T3, reason="nochmal", completed_at=now, now=now
        )
    impossible = result_not_possible(by=treating_psychologist, stay=stay, reason="Sprache", completed_at=now, now=now)
    with pytest.raises(EntryRefused):
        result_correct(by=treating_psychologist, result=impossible, answers=T3, reason="x", completed_at=now, now=now)


def test_a_correction_with_a_wrong_answer_stores_nothing(stay, screening_setting, treating_psychologist):
    now = timezone.now()
    original = result_enter(by=treating_psychologist, stay=stay, answers=T3, channel="staff", completed_at=now, now=now)
    with pytest.raises(InvalidAnswer):
        result_correct(
            by=treating_psychologist,
            result=original,
            answers={**T3, "limitation": "11"},
            reason="x",
            completed_at=now,
            now=now,
        )
    assert ScreeningResult.objects.filter(stay=stay).count() == 1


def test_the_result_of_another_stay_cannot_be_corrected_under_my_stays_url(
    psych, stay, make_stay, screening_setting, treating_psychologist
):
    other = make_stay()
    now = timezone.now()
    foreign = result_enter(by=treating_psychologist, stay=other, answers=T3, channel="staff", completed_at=now, now=now)
    assert psych.get(url("result-correct", stay, foreign.pk)).status_code == 404
    assert psych.post(url("result-correct", stay, foreign.pk), post_data(T3, reason="x")).status_code == 404
    assert not ScreeningResult.objects.filter(corrects=foreign).exists()


@pytest.mark.parametrize("persona", ["other_team_clinician", "manager", "privacy_officer", "admin_user"])
def test_nobody_outside_the_care_team_may_enter_a_screening(request, client_for, stay, screening_setting, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(url("result-create", stay), post_data(T1, channel="paper")).status_code == 404
    assert client.post(url("result-not-possible", stay), {"reason": "x", "completed_at": COMPLETED}).status_code == 404
    assert not ScreeningResult.objects.exists()


def test_the_result_list_needs_no_query_per_result(
    psych, stay, screening_setting, treating_psychologist, django_assert_max_num_queries
):
    now = timezone.now()
    for _ in range(5):
        result_enter(by=treating_psychologist, stay=stay, answers=T3, channel="staff", completed_at=now, now=now)
    # session + user, stay + permission check, audit row, results (with instrument, author, corrected), setting
    with django_assert_max_num_queries(14):
        psych.get(url("result-list", stay))
    assert ScreeningResult.objects.filter(status=ResultStatus.POSITIVE).count() == 5
