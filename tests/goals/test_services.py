"""Writes of the goal agreement: versioning (§630f BGB), refusals with clear messages and nothing stored half,
one audit row per write."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from goals import services
from goals.errors import AgreementExists, AgreementLocked, DraftPending, GoalsRefused
from goals.models import Goal, GoalAgreement, GoalOutcome, GoalReview
from tests.goals.conftest import DAY2, TODAY, goal_values
from wmr.models import AuditEntry

REVIEW_DAY = dt.date(2026, 11, 16)


def review(agreement, by, outcomes, *, on=REVIEW_DAY, occasion="after_diagnostics"):
    goals = list(agreement.goals.order_by("position"))
    return services.review_record(
        by=by,
        agreement=agreement,
        occasion=occasion,
        reviewed_on=on,
        outcomes={g.pk: (o, "") for g, o in zip(goals, outcomes, strict=True)},
        today=TODAY,
    )


def actions(stay):
    return list(
        AuditEntry.objects.filter(stay_id=stay.pk, action__startswith="goals.").values_list("action", flat=True)
    )


# --- starting and writing goals ------------------------------------------------------------------------------------


def test_starting_makes_version_1_as_a_draft_with_one_audit_row(stay, treating_psychologist):
    agreement = services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
    assert (agreement.version, agreement.status, agreement.previous) == (1, "draft", None)
    assert actions(stay) == ["goals.agreement.created"]


def test_a_second_start_is_refused_because_changes_are_new_versions(draft, treating_psychologist):
    with pytest.raises(AgreementExists):
        services.agreement_start(by=treating_psychologist, stay=draft.stay, written_on=DAY2, today=TODAY)
    assert GoalAgreement.objects.filter(stay=draft.stay).count() == 1


@pytest.mark.parametrize(
    ("written_on", "message"),
    [
        (dt.date(2026, 11, 1), "The goals cannot be written before the admission on 02.11.2026."),
        (dt.date(2026, 11, 21), "The date the goals were written lies in the future."),
    ],
)
def test_an_impossible_writing_date_is_refused_with_a_clear_message(stay, treating_psychologist, written_on, message):
    with translation.override("en"), pytest.raises(GoalsRefused) as exc:
        services.agreement_start(by=treating_psychologist, stay=stay, written_on=written_on, today=TODAY)
    assert exc.value.message == message
    assert not GoalAgreement.objects.exists()


def test_goals_are_numbered_in_the_order_they_are_written(draft):
    assert list(draft.goals.order_by("position").values_list("position", "area")) == [(1, "work"), (2, "health")]


@pytest.mark.parametrize("missing", ["target", "review_on", "text"])
def test_a_goal_without_target_review_date_or_text_is_refused_and_nothing_is_stored(
    draft, treating_psychologist, missing
):
    with pytest.raises(ValidationError) as exc:
        services.goal_add(by=treating_psychologist, agreement=draft, **goal_values(**{missing: None}))
    assert missing in exc.value.message_dict
    assert draft.goals.count() == 2


def test_a_named_responsible_person_needs_a_name(draft, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused, match="Please name the responsible person."):
        services.goal_add(by=treating_psychologist, agreement=draft, **goal_values(responsible="named"))
    assert draft.goals.count() == 2


def test_a_review_date_before_admission_is_refused(draft, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused, match="before the admission on 02.11.2026"):
        services.goal_add(by=treating_psychologist, agreement=draft, **goal_values(review_on=dt.date(2026, 10, 1)))


def test_a_draft_goal_may_be_changed_and_its_history_keeps_the_earlier_wording(draft, treating_psychologist):
    goal = draft.goals.get(position=1)
    services.goal_update(by=treating_psychologist, goal=goal, **goal_values(target="5 Stunden an 3 Tagen"))
    assert goal.history.count() == 2
    assert [h.target for h in goal.history.order_by("history_date")] == [
        "4 Stunden Büroarbeit an 3 Tagen der Arbeitstherapie",
        "5 Stunden an 3 Tagen",
    ]
    assert AuditEntry.objects.filter(action="goals.goal.changed").get().data == {"fields": ["target"]}


def test_a_draft_goal_may_be_removed_with_an_audit_row(draft, treating_psychologist):
    services.goal_remove(by=treating_psychologist, goal=draft.goals.get(position=2))
    assert draft.goals.count() == 1
    assert "goals.goal.removed" in actions(draft.stay)


# --- agreeing ------------------------------------------------------------------------------------------------------


def test_agreeing_records_date_and_how(agreed):
    agreed.refresh_from_db()
    assert (agreed.status, agreed.agreed_on, agreed.agreed_how) == ("agreed", dt.date(2026, 11, 4), "conversation")
    assert "goals.agreement.agreed" in actions(agreed.stay)


def test_a_version_without_goals_cannot_be_agreed(stay, treating_psychologist):
    agreement = services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
    with translation.override("en"), pytest.raises(GoalsRefused, match="at least one goal"):
        services.agreement_agree(
            by=treating_psychologist, agreement=agreement, agreed_on=DAY2, agreed_how="signed", today=TODAY
        )
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_goals_cannot_be_agreed_before_they_were_written(draft, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused) as exc:
        services.agreement_agree(
            by=treating_psychologist, agreement=draft, agreed_on=dt.date(2026, 11, 2), agreed_how="signed", today=TODAY
        )
    assert exc.value.message == "The goals cannot be agreed before they were written (03.11.2026)."


@pytest.mark.parametrize("change", ["add", "update", "remove"])
def test_goals_of_an_agreed_version_are_never_changed_in_place(agreed, treating_psychologist, change):
    goal = agreed.goals.get(position=1)
    with pytest.raises(AgreementLocked):
        if change == "add":
            services.goal_add(by=treating_psychologist, agreement=agreed, **goal_values())
        elif change == "update":
            services.goal_update(by=treating_psychologist, goal=goal, **goal_values(text="anders"))
        else:
            services.goal_remove(by=treating_psychologist, goal=goal)
    goal.refresh_from_db()
    assert goal.text == "Wieder vier Stunden am Stück am Schreibtisch arbeiten"
    assert agreed.goals.count() == 2


# --- versioning ----------------------------------------------------------------------------------------------------


def test_changing_an_agreed_version_makes_version_2_with_the_goals_copied_and_version_1_stays_in_force(
    agreed, treating_psychologist
):
    v2 = services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    agreed.refresh_from_db()
    assert (v2.version, v2.status, v2.previous_id) == (2, "draft", agreed.pk)
    assert agreed.status == "agreed"  # valid until version 2 is agreed
    old = list(agreed.goals.order_by("position"))
    new = list(v2.goals.order_by("position"))
    assert [g.text for g in new] == [g.text for g in old]
    assert [g.previous_id for g in new] == [g.pk for g in old]
    assert "goals.agreement.revised" in actions(agreed.stay)


def test_agreeing_version_2_supersedes_version_1_which_stays_readable(agreed, treating_psychologist):
    v2 = services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    goal = v2.goals.get(position=1)
    services.goal_update(by=treating_psychologist, goal=goal, **goal_values(text="Sechs Stunden am Schreibtisch"))
    services.agreement_agree(by=treating_psychologist, agreement=v2, agreed_on=TODAY, agreed_how="signed", today=TODAY)
    agreed.refresh_from_db()
    assert agreed.status == "superseded"
    assert agreed.goals.get(position=1).text == "Wieder vier Stunden am Stück am Schreibtisch arbeiten"
    assert v2.goals.get(position=1).text == "Sechs Stunden am Schreibtisch"
    assert agreed.history.filter(status="agreed").exists()  # the earlier state is in the history too


def test_a_second_new_version_is_refused_while_one_waits_to_be_agreed(agreed, treating_psychologist):
    services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    with pytest.raises(DraftPending):
        services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    assert GoalAgreement.objects.filter(stay=agreed.stay).count() == 2


def test_version_2_cannot_be_agreed_before_it_was_written(agreed, treating_psychologist):
    v2 = services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    with translation.override("en"), pytest.raises(GoalsRefused) as exc:
        services.agreement_agree(
            by=treating_psychologist, agreement=v2, agreed_on=dt.date(2026, 11, 10), agreed_how="signed", today=TODAY
        )
    assert exc.value.message == "The goals cannot be agreed before they were written (20.11.2026)."
    agreed.refresh_from_db()
    assert agreed.status == "agreed"


# --- reviews -------------------------------------------------------------------------------------------------------


def test_a_review_without_changes_records_one_outcome_per_goal_and_keeps_the_version(agreed, treating_psychologist):
    result = review(agreed, treating_psychologist, ["achieved", "partly"])
    assert result.new_version is None
    assert sorted(result.outcomes.values_list("outcome", flat=True)) == ["achieved", "partly"]
    assert GoalAgreement.objects.filter(stay=agreed.stay).count() == 1
    entry = AuditEntry.objects.get(action="goals.review.recorded")
    assert entry.data["occasion"] == "after_diagnostics" and entry.data["new_version"] is None


def test_a_changed_goal_in_a_review_makes_the_next_version_as_a_draft(agreed, treating_psychologist):
    result = review(agreed, treating_psychologist, ["achieved", "changed"])
    assert result.new_version.version == 2
    assert result.new_version.status == "draft"
    assert result.new_version.written_on == REVIEW_DAY
    assert result.new_version.previous_id == agreed.pk
    assert result.new_version.goals.count() == 2


def test_a_review_before_the_agreement_date_is_refused_and_nothing_is_stored(agreed, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused) as exc:
        review(agreed, treating_psychologist, ["achieved", "changed"], on=dt.date(2026, 11, 3))
    assert exc.value.message == "A review cannot lie before the agreement of 04.11.2026."
    assert not GoalReview.objects.exists() and not GoalOutcome.objects.exists()
    assert GoalAgreement.objects.filter(stay=agreed.stay).count() == 1


def test_a_review_in_the_future_is_refused(agreed, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused, match="The review date lies in the future."):
        review(agreed, treating_psychologist, ["achieved", "partly"], on=dt.date(2026, 11, 21))


def test_a_review_without_an_outcome_for_every_goal_is_refused(agreed, treating_psychologist):
    goal = agreed.goals.get(position=1)
    with translation.override("en"), pytest.raises(GoalsRefused, match="Please record an outcome for every goal."):
        services.review_record(
            by=treating_psychologist,
            agreement=agreed,
            occasion="discharge",
            reviewed_on=REVIEW_DAY,
            outcomes={goal.pk: ("achieved", "")},
            today=TODAY,
        )
    assert not GoalReview.objects.exists()


def test_a_review_naming_a_goal_of_another_version_is_refused(agreed, draft, treating_psychologist, make_stay):
    other = services.agreement_start(by=treating_psychologist, stay=make_stay(), written_on=DAY2, today=TODAY)
    foreign = services.goal_add(by=treating_psychologist, agreement=other, **goal_values())
    outcomes = {g.pk: ("achieved", "") for g in agreed.goals.all()} | {foreign.pk: ("achieved", "")}
    with pytest.raises(GoalsRefused):
        services.review_record(
            by=treating_psychologist,
            agreement=agreed,
            occasion="other",
            reviewed_on=REVIEW_DAY,
            outcomes=outcomes,
            today=TODAY,
        )
    assert not GoalOutcome.objects.exists()


def test_a_draft_cannot_be_reviewed(draft, treating_psychologist):
    with pytest.raises(GoalsRefused):
        review(draft, treating_psychologist, ["achieved", "achieved"])


def test_a_change_in_a_review_is_refused_while_another_new_version_waits(agreed, treating_psychologist):
    services.agreement_revise(by=treating_psychologist, agreement=agreed, today=TODAY)
    with pytest.raises(DraftPending):
        review(agreed, treating_psychologist, ["changed", "achieved"])
    assert not GoalReview.objects.exists()
    # without a change the review is fine (e.g. at discharge)
    assert review(agreed, treating_psychologist, ["achieved", "achieved"], occasion="discharge").pk


# --- copy handed over ----------------------------------------------------------------------------------------------


def test_a_handover_needs_the_patients_copy_first(agreed, treating_psychologist):
    with translation.override("en"), pytest.raises(GoalsRefused, match="Please create the patient's copy first."):
        services.copy_handed_over_record(
            by=treating_psychologist, agreement=agreed, handed_over_on=dt.date(2026, 11, 4), today=TODAY
        )


def test_a_draft_has_no_handover(draft, treating_psychologist):
    with pytest.raises(GoalsRefused):
        services.copy_handed_over_record(by=treating_psychologist, agreement=draft, handed_over_on=DAY2, today=TODAY)


def test_goal_rows_of_every_version_stay_in_the_database(agreed, treating_psychologist):
    review(agreed, treating_psychologist, ["changed", "achieved"])
    assert Goal.objects.filter(agreement__stay=agreed.stay).count() == 4
