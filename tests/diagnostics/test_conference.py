"""Team conference services and selectors (rec 4.10, 9.12; mini_icf_app.md K-6, E15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from diagnostics.models import (
    ConferenceCase,
    ConferenceFlag,
    ConferenceParticipant,
    FlagDecision,
    PlannedTherapy,
    TeamConference,
    TherapyCatalogueItem,
    TherapyKind,
)
from diagnostics.rules_conference import DueState, WeekState
from diagnostics.selectors_conference import (
    facility_weekly_conferences,
    planned_therapies_for,
    stay_conference_state,
)
from diagnostics.services.conference import (
    ConferenceRefused,
    ParticipantInput,
    case_add,
    case_findings_set,
    case_flags_decide,
    conference_change,
    conference_create,
    planned_therapy_add,
    planned_therapy_end,
)
from patients.errors import NotAllowed
from patients.models import TeamFunction
from staff.models import Profession
from tests.diagnostics.conftest import add_ratings, make_profile
from tests.factories import UserFactory
from wmr.models import AuditEntry

HELD_ON = dt.date(2026, 11, 12)  # day 11 of the conftest stay (admitted 2.11.2026); profiles rated 5.11.
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def physician(facility):
    return UserFactory(username="doc", profession=Profession.PHYSICIAN, facilities=[facility])


@pytest.fixture
def conference(treating_psychologist, social_worker, physician, facility):
    return conference_create(
        by=treating_psychologist,
        facility=facility,
        held_on=HELD_ON,
        participants=[
            ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST),
            ParticipantInput(user=social_worker, profession=Profession.SOCIAL_WORKER),
            ParticipantInput(user=physician, profession=Profession.PHYSICIAN),
        ],
        today=TODAY,
    )


def item(code: str) -> TherapyCatalogueItem:
    return TherapyCatalogueItem.objects.get(facility__isnull=True, code=code)


# --- the catalogue ---------------------------------------------------------------------------------------------------


def test_the_default_catalogue_offers_work_groups_workplace_training_and_counseling_in_both_languages(db):
    kinds = set(TherapyCatalogueItem.objects.filter(facility__isnull=True).values_list("kind", flat=True))
    assert {
        TherapyKind.WORK_GROUP,
        TherapyKind.WORKPLACE_TRAINING,
        TherapyKind.INDIVIDUAL_COUNSELING,
        TherapyKind.SMALL_GROUP_COUNSELING,
        TherapyKind.GROUP_COUNSELING,
        TherapyKind.INFORMATION,
    } <= kinds
    assert item("work_group_stress").name("de") == "Berufsbezogene Gruppe: Stress am Arbeitsplatz"
    assert item("work_group_stress").name("en") == "Work-related group: stress at work"


# --- the conference record -------------------------------------------------------------------------------------------


def test_a_conference_stores_its_participants_with_their_professions_and_an_audit_row(conference, physician):
    rows = {(p.user_id, p.profession) for p in conference.participants.all()}
    assert (physician.pk, Profession.PHYSICIAN) in rows
    assert len(rows) == 3
    entry = AuditEntry.objects.get(action="diagnostics.conference.created")
    assert entry.object_id == str(conference.pk)
    assert entry.data["professions"] == ["physician", "psychologist", "social_worker"]


def test_an_external_participant_is_stored_with_name_and_profession(treating_psychologist, facility):
    conference = conference_create(
        by=treating_psychologist,
        facility=facility,
        held_on=HELD_ON,
        participants=[ParticipantInput(name="Dr. Werner (Betriebsarzt)", profession=Profession.PHYSICIAN)],
        today=TODAY,
    )
    [participant] = conference.participants.all()
    assert participant.user is None
    assert participant.name == "Dr. Werner (Betriebsarzt)"


def test_a_conference_without_participants_is_refused_and_nothing_is_stored(treating_psychologist, facility):
    with translation.override("en"), pytest.raises(ConferenceRefused) as refused:
        conference_create(
            by=treating_psychologist,
            facility=facility,
            held_on=HELD_ON,
            participants=[ParticipantInput(name="  ", profession="")],
            today=TODAY,
        )
    assert refused.value.message == "A conference needs at least one participant with their profession."
    assert not TeamConference.objects.exists()
    assert not ConferenceParticipant.objects.exists()


def test_a_participant_without_a_profession_is_refused_and_nothing_is_stored(
    treating_psychologist, social_worker, facility
):
    with translation.override("en"), pytest.raises(ConferenceRefused) as refused:
        conference_create(
            by=treating_psychologist,
            facility=facility,
            held_on=HELD_ON,
            participants=[
                ParticipantInput(user=social_worker, profession=Profession.SOCIAL_WORKER),
                ParticipantInput(name="Frau Extern", profession=""),
            ],
            today=TODAY,
        )
    assert refused.value.message == "Please choose the profession of Frau Extern."
    assert not TeamConference.objects.exists()


def test_a_staff_member_of_another_facility_must_be_added_as_external(treating_psychologist, facility, other_facility):
    stranger = UserFactory(facilities=[other_facility])
    with pytest.raises(ConferenceRefused):
        conference_create(
            by=treating_psychologist,
            facility=facility,
            held_on=HELD_ON,
            participants=[ParticipantInput(user=stranger, profession=Profession.PSYCHOLOGIST)],
            today=TODAY,
        )
    assert not TeamConference.objects.exists()


def test_the_same_staff_member_twice_is_refused(treating_psychologist, facility):
    with pytest.raises(ConferenceRefused):
        conference_create(
            by=treating_psychologist,
            facility=facility,
            held_on=HELD_ON,
            participants=[
                ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST),
                ParticipantInput(user=treating_psychologist, profession=Profession.OTHER),
            ],
            today=TODAY,
        )


def test_a_conference_date_in_the_future_is_refused(treating_psychologist, facility):
    with pytest.raises(ConferenceRefused) as refused:
        conference_create(
            by=treating_psychologist,
            facility=facility,
            held_on=TODAY + dt.timedelta(days=1),
            participants=[ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST)],
            today=TODAY,
        )
    assert refused.value.field == "held_on"


@pytest.mark.parametrize("persona", ["manager", "privacy_officer"])
def test_management_and_the_privacy_officer_never_record_a_conference(request, persona, facility):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        conference_create(
            by=user,
            facility=facility,
            held_on=HELD_ON,
            participants=[ParticipantInput(name="X", profession=Profession.NURSE)],
            today=TODAY,
        )


def test_a_clinician_records_conferences_only_for_their_own_facilities(treating_psychologist, other_facility):
    with pytest.raises(NotAllowed):
        conference_create(
            by=treating_psychologist,
            facility=other_facility,
            held_on=HELD_ON,
            participants=[ParticipantInput(name="X", profession=Profession.NURSE)],
            today=TODAY,
        )


def test_changing_the_participants_replaces_the_list_and_the_audit_row_keeps_before_and_after(
    conference, treating_psychologist
):
    conference_change(
        by=treating_psychologist,
        conference=conference,
        held_on=HELD_ON,
        note="verschoben",
        participants=[ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST)],
        today=TODAY,
    )
    assert conference.participants.count() == 1
    entry = AuditEntry.objects.get(action="diagnostics.conference.changed")
    assert len(entry.data["before"]["participants"]) == 3
    assert len(entry.data["after"]["participants"]) == 1
    assert conference.history.count() == 2


def test_the_date_of_a_conference_with_a_discussed_stay_cannot_change(
    conference, stay, treating_psychologist, worked_profiles
):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    with pytest.raises(ConferenceRefused):
        conference_change(
            by=treating_psychologist,
            conference=conference,
            held_on=HELD_ON - dt.timedelta(days=1),
            participants=[ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST)],
            today=TODAY,
        )
    conference.refresh_from_db()
    assert conference.held_on == HELD_ON


# --- the weekly rule from the database ------------------------------------------------------------------------------


def test_the_weekly_indicator_counts_the_professions_of_the_stored_participants(
    conference, treating_psychologist, facility
):
    conference_create(
        by=treating_psychologist,
        facility=facility,
        held_on=HELD_ON + dt.timedelta(days=7),
        participants=[ParticipantInput(user=treating_psychologist, profession=Profession.PSYCHOLOGIST)],
        today=TODAY + dt.timedelta(days=7),
    )
    weeks = facility_weekly_conferences(facility, start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 22))
    assert [w.state for w in weeks] == [WeekState.MET, WeekState.NOT_MET]
    assert weeks[0].best_conference_id == conference.pk


def test_the_weekly_indicator_reads_only_its_own_facility(conference, other_facility):
    weeks = facility_weekly_conferences(other_facility, start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 15))
    assert weeks[0].state == WeekState.NOT_MET


# --- a stay at the conference: the freeze (K-6, E15) ----------------------------------------------------------------


def test_adding_a_stay_freezes_both_profiles_the_rating_rows_the_rule_version_and_every_status(
    conference, stay, treating_psychologist, worked_profiles
):
    capacity, demand = worked_profiles
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    assert case.capacity_profile == capacity
    assert case.demand_profile == demand
    snapshot = case.snapshot
    assert snapshot["rule_version"]
    assert snapshot["profiles"]["capacity"]["id"] == capacity.pk
    assert snapshot["profiles"]["capacity"]["rating_ids"] == sorted(capacity.ratings.values_list("pk", flat=True))
    statuses = {row["code"]: row["status"] for row in snapshot["rows"]}
    assert statuses["endurance"] == "overload_marked"
    assert statuses["planning"] == "overload"
    assert statuses["competence"] == "underload"
    assert statuses["dyadic"] == "not_relevant"
    assert AuditEntry.objects.filter(action="diagnostics.conference_case.added", stay_id=stay.pk).exists()


def test_e15_a_corrected_capacity_profile_leaves_the_frozen_snapshot_and_offers_a_new_comparison(
    conference, stay, treating_psychologist, worked_profiles
):
    capacity, _demand = worked_profiles
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    case_flags_decide(
        by=treating_psychologist,
        case=case,
        decisions={
            "endurance": (FlagDecision.CONFIRMED, ""),
            "planning": (FlagDecision.CONFIRMED, ""),
            "flexibility": (FlagDecision.DISMISSED, "Im Gespräch flexibel, Rating zu streng"),
        },
    )
    assert stay_conference_state(stay, TODAY).newer_comparison is False

    add_ratings(capacity, {"endurance": 1})  # the correction: a newer rating row

    case.refresh_from_db()
    frozen = {row["code"]: row for row in case.snapshot["rows"]}
    assert frozen["endurance"]["I"] == 3
    assert frozen["endurance"]["status"] == "overload_marked"
    state = stay_conference_state(stay, TODAY)
    assert state.newer_comparison is True
    assert {f.dimension: f.decision for f in state.latest.flags} == {
        "endurance": "confirmed",
        "planning": "confirmed",
        "flexibility": "dismissed",
    }
    assert [f.dimension for f in state.latest.confirmed] == ["endurance", "planning"]


def test_a_changed_reference_context_is_a_newer_comparison_too(
    conference, stay, treating_psychologist, worked_profiles
):
    capacity, _demand = worked_profiles
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    capacity.reference_context = "general_labour_market"
    capacity.save()
    assert stay_conference_state(stay, TODAY).newer_comparison is True


def test_a_stay_without_profiles_is_added_with_an_empty_snapshot_and_flagged_on_the_overview(
    conference, stay, treating_psychologist
):
    case = case_add(by=treating_psychologist, conference=conference, stay=stay)
    assert case.snapshot == {}
    state = stay_conference_state(stay, TODAY)
    assert state.due.state == DueState.WITHOUT_COMPARISON
    assert state.due.flagged


def test_a_stay_discussed_with_its_comparison_meets_comparison_before_the_conference(
    conference, stay, treating_psychologist, worked_profiles
):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    assert stay_conference_state(stay, TODAY).due.state == DueState.MET


def test_a_ready_comparison_missed_by_a_conference_of_the_facility_is_overdue(conference, stay, worked_profiles):
    state = stay_conference_state(stay, TODAY)
    assert state.due.state == DueState.OVERDUE
    assert state.due.missed_conference_on == HELD_ON
    assert [c.pk for c in state.conferences] == [conference.pk]


def test_a_ready_comparison_before_any_conference_is_due(stay, worked_profiles):
    assert stay_conference_state(stay, TODAY).due.state == DueState.DUE


def test_only_the_care_team_adds_a_stay(conference, stay, other_team_clinician, manager, worked_profiles):
    for user in (other_team_clinician, manager):
        with pytest.raises(NotAllowed):
            case_add(by=user, conference=conference, stay=stay)
    assert not ConferenceCase.objects.exists()


def test_a_stay_of_another_facility_cannot_be_discussed(
    treating_psychologist, make_stay, other_facility, conference, facility
):
    treating_psychologist.facilities.add(other_facility)
    foreign = make_stay(facility=other_facility, team=[(treating_psychologist, TeamFunction.PRIMARY_THERAPIST)])
    with pytest.raises(ConferenceRefused):
        case_add(by=treating_psychologist, conference=conference, stay=foreign)


def test_a_stay_is_discussed_once_per_conference(conference, stay, treating_psychologist):
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    with pytest.raises(ConferenceRefused):
        case_add(by=treating_psychologist, conference=conference, stay=stay)


def test_a_conference_before_the_admission_cannot_discuss_the_stay(
    treating_psychologist, make_stay, facility, conference
):
    later = make_stay(admission_date=HELD_ON + dt.timedelta(days=1))
    with pytest.raises(ConferenceRefused):
        case_add(by=treating_psychologist, conference=conference, stay=later)


# --- flags and findings ---------------------------------------------------------------------------------------------


@pytest.fixture
def case(conference, stay, treating_psychologist, worked_profiles):
    return case_add(by=treating_psychologist, conference=conference, stay=stay)


def test_a_dismissal_without_a_note_is_refused_and_nothing_is_stored(case, treating_psychologist):
    with translation.override("en"), pytest.raises(ConferenceRefused) as refused:
        case_flags_decide(
            by=treating_psychologist,
            case=case,
            decisions={"endurance": (FlagDecision.CONFIRMED, ""), "flexibility": (FlagDecision.DISMISSED, " ")},
        )
    assert "needs a note" in refused.value.message
    assert not ConferenceFlag.objects.exists()


def test_a_dimension_the_snapshot_did_not_flag_cannot_be_decided(case, treating_psychologist):
    with pytest.raises(ConferenceRefused):
        case_flags_decide(
            by=treating_psychologist, case=case, decisions={"rules_routines": (FlagDecision.CONFIRMED, "")}
        )


def test_underload_is_flagged_for_the_conference_too(case, treating_psychologist):
    [flag] = case_flags_decide(
        by=treating_psychologist, case=case, decisions={"competence": (FlagDecision.CONFIRMED, "unterfordert")}
    )
    assert flag.status == "underload"


def test_a_changed_decision_keeps_the_earlier_one_in_the_history(case, treating_psychologist):
    case_flags_decide(by=treating_psychologist, case=case, decisions={"contact": (FlagDecision.CONFIRMED, "")})
    case_flags_decide(
        by=treating_psychologist, case=case, decisions={"contact": (FlagDecision.DISMISSED, "Kundenkontakt gelingt")}
    )
    flag = ConferenceFlag.objects.get(case=case, dimension="contact")
    assert flag.decision == FlagDecision.DISMISSED
    assert [h.decision for h in flag.history.order_by("history_date")] == ["confirmed", "dismissed"]


def test_findings_keep_their_earlier_wording(case, treating_psychologist):
    case_findings_set(by=treating_psychologist, case=case, findings="Ausdauer begrenzt")
    case_findings_set(by=treating_psychologist, case=case, findings="Ausdauer deutlich begrenzt")
    assert [h.findings for h in case.history.order_by("history_date")] == [
        "",
        "Ausdauer begrenzt",
        "Ausdauer deutlich begrenzt",
    ]


def test_only_the_care_team_decides_flags(case, other_team_clinician):
    with pytest.raises(NotAllowed):
        case_flags_decide(by=other_team_clinician, case=case, decisions={"endurance": (FlagDecision.CONFIRMED, "")})


# --- planned therapies ----------------------------------------------------------------------------------------------


@pytest.fixture
def decided(case, treating_psychologist):
    case_flags_decide(
        by=treating_psychologist,
        case=case,
        decisions={
            "endurance": (FlagDecision.CONFIRMED, ""),
            "planning": (FlagDecision.CONFIRMED, ""),
            "flexibility": (FlagDecision.DISMISSED, "Im Gespräch flexibel"),
        },
    )
    return case


def test_a_planned_therapy_addresses_confirmed_dimensions(decided, treating_psychologist, stay):
    therapy = planned_therapy_add(
        by=treating_psychologist,
        case=decided,
        item=item("work_group_stress"),
        dimensions=["endurance", "planning"],
        minutes_per_week=90,
    )
    assert therapy.stay == stay
    assert list(planned_therapies_for(stay)) == [therapy]
    assert AuditEntry.objects.filter(action="diagnostics.therapy.planned", stay_id=stay.pk).exists()


def test_a_dismissed_or_undecided_dimension_cannot_be_addressed(decided, treating_psychologist):
    for dimension in ("flexibility", "contact"):
        with pytest.raises(ConferenceRefused):
            planned_therapy_add(
                by=treating_psychologist, case=decided, item=item("work_group_stress"), dimensions=[dimension]
            )
    assert not PlannedTherapy.objects.exists()


def test_a_workplace_training_needs_its_focus(decided, treating_psychologist):
    with pytest.raises(ConferenceRefused) as refused:
        planned_therapy_add(by=treating_psychologist, case=decided, item=item("workplace_training"))
    assert refused.value.field == "focus"
    therapy = planned_therapy_add(
        by=treating_psychologist,
        case=decided,
        item=item("workplace_training"),
        focus="Telefonate mit schwierigen Kunden",
        dimensions=["endurance"],
    )
    assert therapy.focus == "Telefonate mit schwierigen Kunden"


def test_a_catalogue_item_of_another_facility_or_switched_off_is_refused(
    decided, treating_psychologist, facility, other_facility
):
    foreign = TherapyCatalogueItem.objects.create(
        facility=other_facility, code="see", name_de="Seegruppe", name_en="Lake group", kind=TherapyKind.OTHER
    )
    off = TherapyCatalogueItem.objects.create(
        facility=facility, code="alt", name_de="Alt", name_en="Old", kind=TherapyKind.OTHER, active=False
    )
    own = TherapyCatalogueItem.objects.create(
        facility=facility, code="garten", name_de="Gartengruppe", name_en="Garden group", kind=TherapyKind.OTHER
    )
    for refused_item in (foreign, off):
        with pytest.raises(ConferenceRefused):
            planned_therapy_add(by=treating_psychologist, case=decided, item=refused_item)
    assert planned_therapy_add(by=treating_psychologist, case=decided, item=own).item == own


def test_a_dimension_addressed_by_a_running_therapy_cannot_be_dismissed(decided, treating_psychologist):
    therapy = planned_therapy_add(
        by=treating_psychologist, case=decided, item=item("individual_counseling"), dimensions=["planning"]
    )
    with pytest.raises(ConferenceRefused):
        case_flags_decide(
            by=treating_psychologist, case=decided, decisions={"planning": (FlagDecision.DISMISSED, "doch nicht")}
        )
    planned_therapy_end(by=treating_psychologist, therapy=therapy, ended_on=HELD_ON, today=TODAY)
    case_flags_decide(
        by=treating_psychologist, case=decided, decisions={"planning": (FlagDecision.DISMISSED, "doch nicht")}
    )


def test_ending_a_therapy_checks_the_date_and_keeps_the_history(decided, treating_psychologist):
    therapy = planned_therapy_add(by=treating_psychologist, case=decided, item=item("individual_counseling"))
    with pytest.raises(ConferenceRefused):
        planned_therapy_end(by=treating_psychologist, therapy=therapy, ended_on=HELD_ON - dt.timedelta(1), today=TODAY)
    with pytest.raises(ConferenceRefused):
        planned_therapy_end(by=treating_psychologist, therapy=therapy, ended_on=TODAY + dt.timedelta(1), today=TODAY)
    planned_therapy_end(by=treating_psychologist, therapy=therapy, ended_on=TODAY, today=TODAY)
    with pytest.raises(ConferenceRefused):
        planned_therapy_end(by=treating_psychologist, therapy=therapy, ended_on=TODAY, today=TODAY)
    assert [h.ended_on for h in therapy.history.order_by("history_date")] == [None, TODAY]


def test_the_therapy_app_gets_running_therapies_first(decided, treating_psychologist, stay):
    first = planned_therapy_add(by=treating_psychologist, case=decided, item=item("individual_counseling"))
    second = planned_therapy_add(by=treating_psychologist, case=decided, item=item("wmr_information"))
    planned_therapy_end(by=treating_psychologist, therapy=first, ended_on=TODAY, today=TODAY)
    assert list(planned_therapies_for(stay)) == [second, first]


def test_a_profile_rated_after_the_conference_day_is_not_compiled_before_it_and_stays_due(
    conference, stay, treating_psychologist, mini_icf
):
    from tests.diagnostics.conftest import WORKED_D, WORKED_I

    make_profile(stay, mini_icf, "capacity", WORKED_I, rated_on=HELD_ON + dt.timedelta(days=1))
    make_profile(stay, mini_icf, "demand", WORKED_D)
    case_add(by=treating_psychologist, conference=conference, stay=stay)
    assert stay_conference_state(stay, TODAY).due.state == DueState.DUE
