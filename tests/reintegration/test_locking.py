"""Two people editing the same draft of the return-to-work plan, the graded plan or the discharge letter: the second
save of one version is refused with who, when and what changed (wmr.locking); nothing of it is stored; the form comes
back (409) with the input and the new version, and saves then. On PostgreSQL two real connections race."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from reintegration.forms_letter import LetterForm
from reintegration.models import DischargeLetter, GradedReturnPlan, PlanStep, RtwPlan, RtwStep
from reintegration.services import letter as letter_services
from reintegration.services import plan as plan_services
from reintegration.services import rtw as rtw_services
from tests.conftest import login
from tests.reintegration.letter_fixtures import COMPLETE
from tests.reintegration.letter_fixtures import TODAY as LETTER_TODAY
from tests.reintegration.matrix_plan import make_plan
from tests.wmr.test_locking import pg_only, race
from wmr.locking import StaleEdit


def url(name, stay, *args):
    return reverse(f"reintegration:{name}", args=[stay.pk, *args])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def rtw(stay, social_worker) -> RtwPlan:
    plan = rtw_services.rtw_plan_start(by=social_worker, stay=stay, integration_goal="same_job", goal_detail="Lager")
    rtw_services.rtw_step_add(by=social_worker, plan=plan, text="Stufenweise zurück", due_on=dt.date(2027, 1, 4))
    return plan


@pytest.fixture
def letter(stay, physician_on_team) -> DischargeLetter:
    with freeze_time("2026-12-05 10:00"):
        return letter_services.letter_draft(by=physician_on_team, stay=stay, today=LETTER_TODAY)


@pytest.fixture
def graded(stay, social_worker) -> GradedReturnPlan:
    return make_plan(stay, social_worker)


# --- return-to-work plan -------------------------------------------------------------------------------------------


def test_a_stale_rtw_plan_save_is_refused_and_overwrites_nothing(rtw, treating_psychologist, social_worker):
    rtw_services.rtw_plan_update(
        by=social_worker, plan=rtw, integration_goal="other_job", goal_detail="Büro", lock_version=0
    )
    with pytest.raises(StaleEdit) as refused:
        rtw_services.rtw_plan_update(
            by=treating_psychologist, plan=rtw, integration_goal="same_job", note="Mine", lock_version=0
        )
    stored = RtwPlan.objects.get(pk=rtw.pk)
    assert (stored.integration_goal, stored.goal_detail, stored.note, stored.lock_version) == (
        "other_job",
        "Büro",
        "",
        1,
    )
    assert [c.name for c in refused.value.changes] == ["integration_goal", "goal_detail"]
    assert refused.value.by_name == social_worker.display_name


def test_a_stale_rtw_step_save_is_refused_and_overwrites_nothing(rtw, treating_psychologist, social_worker):
    step = rtw.steps.get()
    rtw_services.rtw_step_update(
        by=social_worker, step=step, text="Theirs", due_on=step.due_on, responsible="Arbeitgeber", lock_version=0
    )
    with pytest.raises(StaleEdit) as refused:
        rtw_services.rtw_step_update(
            by=treating_psychologist, step=RtwStep.objects.get(pk=step.pk), text="Mine", lock_version=0
        )
    stored = RtwStep.objects.get(pk=step.pk)
    assert (stored.text, stored.responsible, stored.lock_version) == ("Theirs", "Arbeitgeber", 1)
    assert [c.name for c in refused.value.changes] == ["text", "responsible"]


def test_two_people_submit_the_rtw_plan_form_the_second_is_refused_then_saves(
    stay, rtw, treating_psychologist, social_worker
):
    first, second = login(social_worker, language="en"), login(treating_psychologist, language="en")
    for client in (first, second):
        assert 'name="lock_version" value="0"' in client.get(url("rtw-edit", stay)).content.decode()
    data = {"integration_goal": "same_job", "goal_detail": "Lager", "note": "", "lock_version": "0"}
    assert first.post(url("rtw-edit", stay), {**data, "goal_detail": "Lager, ohne Nachtschicht"}).status_code == 302
    refused = second.post(url("rtw-edit", stay), {**data, "note": "Rücksprache mit dem Betriebsarzt"})
    assert refused.status_code == 409
    page = text(refused)
    assert f"This document was changed by {social_worker.display_name} at " in page
    assert "Changed: the goal in words: Lager, ohne Nachtschicht (yours: Lager). Review and save again." in page
    assert "Rücksprache mit dem Betriebsarzt" in page
    assert 'name="lock_version" value="1"' in refused.content.decode()
    assert RtwPlan.objects.get(pk=rtw.pk).note == ""

    again = {**data, "goal_detail": "Lager, ohne Nachtschicht", "note": "Rücksprache", "lock_version": "1"}
    assert second.post(url("rtw-edit", stay), again).status_code == 302
    stored = RtwPlan.objects.get(pk=rtw.pk)
    assert (stored.goal_detail, stored.note, stored.lock_version) == ("Lager, ohne Nachtschicht", "Rücksprache", 2)


# --- graded return-to-work plan ------------------------------------------------------------------------------------

HEADER = {
    "starts_on": "2026-12-21",
    "working_days_per_week": "5",
    "hours_per_day": "8",
    "activities_to_avoid": "",
    "supporting_measures": "",
    "employer_voluntary_payment": "",
    "note": "",
}


@freeze_time("2026-12-05 10:00")
def test_two_people_submit_the_graded_plan_header_the_second_is_refused_with_what_changed(
    stay, graded, treating_psychologist, social_worker
):
    first, second = login(social_worker, language="en"), login(treating_psychologist, language="en")
    for client in (first, second):
        assert 'name="lock_version" value="0"' in client.get(url("plan-edit", stay)).content.decode()
    mine = {**HEADER, "lock_version": "0"}
    assert first.post(url("plan-edit", stay), {**mine, "activities_to_avoid": "Kein Heben"}).status_code == 302
    refused = second.post(url("plan-edit", stay), {**mine, "note": "Meine Notiz"})
    assert refused.status_code == 409
    page = text(refused)
    assert "Changed: activities to avoid and load restrictions: Kein Heben (yours: —)." in page
    assert "Meine Notiz" in page
    stored = GradedReturnPlan.objects.get(pk=graded.pk)
    assert (stored.activities_to_avoid, stored.note, stored.lock_version) == ("Kein Heben", "", 1)
    assert second.post(url("plan-edit", stay), {**mine, "note": "Meine Notiz", "lock_version": "1"}).status_code == 302
    assert GradedReturnPlan.objects.get(pk=graded.pk).note == "Meine Notiz"


@freeze_time("2026-12-05 10:00")
def test_a_stale_graded_plan_step_is_refused_in_the_step_form_with_the_input_kept(
    stay, graded, treating_psychologist, social_worker
):
    step = graded.steps.order_by("position").first()
    edit = url("plan-step-edit", stay, step.pk)
    first, second = login(social_worker, language="en"), login(treating_psychologist, language="en")
    assert 'name="lock_version" value="0"' in second.get(edit).content.decode()
    plan_services.step_change(by=social_worker, step=step, values={"activities": "Ablage"}, lock_version=0)
    data = {
        "weeks": str(step.weeks),
        "days": "0",
        "starts_on": "",
        "activities": "",
        "restrictions": "Keine Leiter",
        "save": "1",
        "lock_version": "0",
    }
    for row, entry in enumerate(step.pattern, start=1):
        data[f"pattern_days_{row}"] = str(entry["days"])
        data[f"pattern_hours_{row}"] = str(entry["hours"])
    refused = second.post(edit, data)
    assert refused.status_code == 409
    page = text(refused)
    assert "Changed: typical tasks: Ablage (yours: —)." in page
    assert 'value="Keine Leiter"' in refused.content.decode() or "Keine Leiter" in page
    assert 'name="lock_version" value="1"' in refused.content.decode()
    stored = PlanStep.objects.get(pk=step.pk)
    assert (stored.activities, stored.restrictions, stored.lock_version) == ("Ablage", "", 1)
    assert second.post(edit, {**data, "activities": "Ablage", "lock_version": "1"}).status_code == 302
    stored = PlanStep.objects.get(pk=step.pk)
    assert (stored.activities, stored.restrictions, stored.lock_version) == ("Ablage", "Keine Leiter", 2)
    assert first.get(edit).status_code == 200


# --- discharge letter ----------------------------------------------------------------------------------------------


def test_a_stale_letter_save_is_refused_listing_exactly_the_changed_fields(letter, physician_on_team, social_worker):
    letter_services.letter_update(
        by=social_worker,
        letter=letter,
        values={"diagnoses": COMPLETE["diagnoses"][:1], "ability_last_job": "3_to_6"},
        lock_version=0,
    )
    with pytest.raises(StaleEdit) as refused:
        letter_services.letter_update(
            by=physician_on_team,
            letter=DischargeLetter.objects.get(pk=letter.pk),
            values={"course": "Mein Verlauf", "ability_last_job": "6_plus"},
            lock_version=0,
        )
    stored = DischargeLetter.objects.get(pk=letter.pk)
    assert (stored.course, stored.ability_last_job, stored.lock_version) == (letter.course, "3_to_6", 1)
    assert [c.name for c in refused.value.changes] == ["diagnoses", "ability_last_job"]
    assert refused.value.changes[0].theirs == "F43.2 Anpassungsstörung mit depressiver Reaktion"


def test_two_people_submit_the_letter_form_the_second_is_refused_then_saves(
    stay, letter, physician_on_team, treating_psychologist
):
    first, second = login(physician_on_team, language="en"), login(treating_psychologist, language="en")
    for client in (first, second):
        assert 'name="lock_version" value="0"' in client.get(url("letter-edit", stay)).content.decode()
    loaded = LetterForm(letter=letter).initial  # the draft as the form shows it
    base = {name: value for name, value in loaded.items() if name != "vocational_rehab_recommended"}
    if loaded["vocational_rehab_recommended"]:
        base["vocational_rehab_recommended"] = "on"
    assert (
        first.post(url("letter-edit", stay), {**base, "recommendations": "Nachsorge", "lock_version": "0"}).status_code
        == 302
    )
    refused = second.post(url("letter-edit", stay), {**base, "course": "Mein Verlauf", "lock_version": "0"})
    assert refused.status_code == 409
    page = text(refused)
    assert f"This document was changed by {physician_on_team.display_name} at " in page
    assert "Changed: recommendations: Nachsorge (yours: —). Review and save again." in page
    assert "Mein Verlauf" in page
    assert DischargeLetter.objects.get(pk=letter.pk).course == letter.course
    again = {**base, "course": "Mein Verlauf", "recommendations": "Nachsorge", "lock_version": "1"}
    assert second.post(url("letter-edit", stay), again).status_code == 302
    stored = DischargeLetter.objects.get(pk=letter.pk)
    assert (stored.course, stored.recommendations, stored.lock_version) == ("Mein Verlauf", "Nachsorge", 2)


# --- two real connections (PostgreSQL) -----------------------------------------------------------------------------


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_letter_version_exactly_one_wins(letter, physician_on_team, social_worker):
    def save_as(user, values):
        def save():
            loaded = DischargeLetter.objects.get(pk=letter.pk)
            return letter_services.letter_update(by=user, letter=loaded, values=values, lock_version=0).lock_version

        return save

    results = race(
        save_as(physician_on_team, {"course": "Erster Verlauf"}),
        save_as(social_worker, {"recommendations": "Zweite Empfehlung"}),
    )
    assert results["first"] == 1
    assert isinstance(results["second"], StaleEdit)
    assert [c.name for c in results["second"].changes] == ["course"]
    assert results["second_waited"]
    stored = DischargeLetter.objects.get(pk=letter.pk)
    assert (stored.course, stored.recommendations, stored.lock_version) == ("Erster Verlauf", letter.recommendations, 1)


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_rtw_plan_version_exactly_one_wins(rtw, treating_psychologist, social_worker):
    def save_as(user, **values):
        def save():
            loaded = RtwPlan.objects.get(pk=rtw.pk)
            return rtw_services.rtw_plan_update(
                by=user, plan=loaded, integration_goal="same_job", lock_version=0, **values
            ).lock_version

        return save

    results = race(save_as(social_worker, goal_detail="Erste"), save_as(treating_psychologist, note="Zweite"))
    assert results["first"] == 1
    assert isinstance(results["second"], StaleEdit)
    assert results["second_waited"]
    stored = RtwPlan.objects.get(pk=rtw.pk)
    assert (stored.goal_detail, stored.note, stored.lock_version) == ("Erste", "", 1)
