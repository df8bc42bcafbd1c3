"""Recording checklist items (append-only, the latest counts) and the state that decides which checklists apply,
read from the stay, its work situation and its newest discharge letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from reintegration.errors import ChecklistRefused
from reintegration.models import ChecklistEntry, DischargeLetter, JobRisk, LetterStatus, WorkAbility, WorkSituation
from reintegration.selectors_checklists import stay_checklist_facts, stay_checklists_state
from reintegration.services.checklists import checklist_record
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 25)
DAY = dt.date(2026, 11, 10)

ALWAYS = ["stay_extension", "case_management", "cooperation_explained", "integration_service"]


def _record(stay, by, item="stay_extension", state="done", on=DAY, note=""):
    return checklist_record(by=by, stay=stay, item=item, state=state, on=on, note=note, today=TODAY)


def _letter(stay, version=1, status=LetterStatus.DRAFT, **fields):
    return DischargeLetter.objects.create(
        stay=stay,
        version=version,
        status=status,
        signed_on=DAY if status != LetterStatus.DRAFT else None,
        **fields,
    )


def test_recording_an_item_stores_one_entry_with_one_audit_row(stay, social_worker):
    entry = _record(stay, social_worker, note="Extension not needed so far")
    assert (entry.item, entry.state, entry.on, entry.recorded_by) == ("stay_extension", "done", DAY, social_worker)
    audit = AuditEntry.objects.get(action="reintegration.checklist.recorded", stay_id=stay.pk)
    assert audit.data["rec"] == "8.1"


def test_a_correction_is_a_new_entry_and_the_latest_counts(stay, social_worker):
    _record(stay, social_worker, state="done")
    _record(stay, social_worker, state="not_applicable", note="Entered by mistake: not discussed yet")
    _record(stay, social_worker, state="done", on=dt.date(2026, 11, 12))
    assert ChecklistEntry.objects.filter(stay=stay, item="stay_extension").count() == 3
    state = stay_checklists_state(stay, TODAY)
    (item,) = [i for i in state.items if i.item.key == "stay_extension"]
    assert (item.state, item.latest.on, len(item.entries)) == ("done", dt.date(2026, 11, 12), 3)
    assert [e.state for e in item.entries] == ["done", "not_applicable", "done"]


def test_not_applicable_needs_a_note_saying_why(stay, social_worker):
    with pytest.raises(ChecklistRefused) as excinfo, translation.override("en"):
        _record(stay, social_worker, state="not_applicable", note="  ")
    assert excinfo.value.message == "Please say in the note why the item does not apply."
    assert not ChecklistEntry.objects.exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "The date lies in the future."),
        (dt.date(2026, 11, 1), "The date cannot lie before the admission on 02.11.2026."),
    ],
)
def test_an_impossible_date_is_refused(stay, social_worker, on, message):
    with pytest.raises(ChecklistRefused) as excinfo, translation.override("en"):
        _record(stay, social_worker, on=on)
    assert excinfo.value.message == message
    assert not ChecklistEntry.objects.exists()


@pytest.mark.parametrize("item", ["career_options", "vocational_rehab_filed", "pension_advice", "nonsense"])
def test_an_item_that_does_not_apply_is_refused(stay, social_worker, item):
    with pytest.raises(ChecklistRefused):
        _record(stay, social_worker, item=item)
    assert not ChecklistEntry.objects.exists()


def test_an_employed_patient_without_letter_gets_the_four_items_for_everyone(stay):
    state = stay_checklists_state(stay, TODAY)
    assert [g.applies.group for g in state.groups] == ["always"]
    assert [i.item.key for i in state.items] == ALWAYS
    assert (state.open_count, state.done_count, state.total) == (4, 0, 4)


def test_the_stay_unemployed_adds_the_unemployment_checklist(make_stay):
    stay = make_stay(employment_status="unemployed")
    state = stay_checklists_state(stay, TODAY)
    assert [g.applies.group for g in state.groups] == ["always", "unemployment"]
    assert state.total == 8


def test_impending_unemployment_in_the_work_situation_adds_the_unemployment_checklist(stay):
    WorkSituation.objects.create(stay=stay, job_risk=JobRisk.IMPENDING)
    assert stay_checklist_facts(stay).job_risk == "impending"
    with translation.override("en"):
        groups = stay_checklists_state(stay, TODAY).groups
    assert groups[1].applies.reason == "applies because the patient's unemployment is impending"


def test_the_appraisal_is_read_from_the_newest_letter(stay):
    _letter(stay, version=1, status=LetterStatus.SUPERSEDED, ability_last_job=WorkAbility.THREE_TO_SIX)
    _letter(stay, version=2, ability_last_job=WorkAbility.SIX_PLUS, ability_general_market=WorkAbility.BELOW_THREE)
    facts = stay_checklist_facts(stay)
    assert (facts.ability_last_job, facts.ability_general_market) == ("6_plus", "below_3")
    assert [g.applies.group for g in stay_checklists_state(stay, TODAY).groups] == ["always", "market_limited"]


def test_a_limited_last_job_adds_vocational_rehab_and_it_can_be_recorded(stay, social_worker):
    _letter(stay, ability_last_job=WorkAbility.BELOW_THREE, ability_general_market=WorkAbility.SIX_PLUS)
    _record(stay, social_worker, item="vocational_rehab_explained")
    state = stay_checklists_state(stay, TODAY)
    assert [g.applies.group for g in state.groups] == ["always", "last_job_limited"]
    assert (state.done_count, state.open_count) == (1, 5)


def test_an_item_recorded_while_it_applied_stays_visible_as_no_longer_applicable(stay, social_worker):
    situation = WorkSituation.objects.create(stay=stay, job_risk=JobRisk.UNEMPLOYED)
    _record(stay, social_worker, item="career_options")
    situation.job_risk = JobRisk.NONE
    situation.save()
    state = stay_checklists_state(stay, TODAY)
    assert [i.item.key for i in state.items] == ALWAYS
    assert [(i.item.key, i.state) for i in state.inactive] == [("career_options", "done")]
    with pytest.raises(ChecklistRefused):
        _record(stay, social_worker, item="career_options")


def test_the_state_costs_three_queries_whatever_is_recorded(make_stay, social_worker, django_assert_num_queries):
    stay = make_stay(employment_status="unemployed")
    _letter(stay, ability_last_job=WorkAbility.BELOW_THREE, ability_general_market=WorkAbility.BELOW_THREE)
    WorkSituation.objects.create(stay=stay, job_risk=JobRisk.UNEMPLOYED)
    for key in ("stay_extension", "career_options", "pension_advice", "vocational_rehab_filed"):
        for _ in range(3):
            _record(stay, social_worker, item=key)
    # work situation, newest letter, entries (with author)
    with django_assert_num_queries(3):
        state = stay_checklists_state(stay, TODAY)
        assert (state.total, state.done_count) == (11, 4)
        assert all(e.recorded_by.username for i in state.items for e in i.entries)
