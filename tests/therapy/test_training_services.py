"""Services of the workplace training (7.2–7.8): every rule refuses with a clear message and stores nothing; every
write has its audit row; changes keep the earlier versions and a stale change is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from therapy.models import SubGoalResult, TrainingPlan, TrainingSubGoal, TransferStrategy, WorkSituation
from therapy.services import training as services
from therapy.services.training import TrainingRefused
from wmr.models import AuditEntry

ADMISSION, DISCHARGE = dt.date(2026, 11, 2), dt.date(2026, 12, 7)
TODAY = dt.date(2026, 11, 20)
DAY3 = dt.date(2026, 11, 4)


@pytest.fixture
def plan(stay, social_worker):
    return services.training_plan_start(by=social_worker, stay=stay, starts_on=DAY3, profile_basis="4 h belastbar")


@pytest.fixture
def subgoal(plan, social_worker):
    return services.subgoal_add(
        by=social_worker,
        plan=plan,
        text="Zwei Stunden Bildschirmarbeit",
        verification="Pausenprotokoll",
        agreed_on=DAY3,
        today=TODAY,
    )


def refused(call, **kwargs) -> str:
    with translation.override("en"), pytest.raises(TrainingRefused) as exc:
        call(**kwargs)
    return exc.value.message


def audit_codes() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="therapy.training.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- the plan -------------------------------------------------------------------------------------------------------


def test_starting_the_training_stores_the_plan_its_basis_and_one_audit_row(plan, stay, social_worker):
    assert plan.stay == stay and plan.starts_on == DAY3 and plan.profile_basis == "4 h belastbar"
    assert plan.created_by == social_worker
    assert audit_codes() == ["therapy.training.started"]


@pytest.mark.parametrize("starts_on", [ADMISSION - dt.timedelta(days=1), DISCHARGE + dt.timedelta(days=1)])
def test_the_training_cannot_start_outside_the_stay(stay, social_worker, starts_on):
    message = refused(services.training_plan_start, by=social_worker, stay=stay, starts_on=starts_on)
    assert message == "The workplace training must start within the stay (02.11.2026 – 07.12.2026)."
    assert not TrainingPlan.objects.exists()


@pytest.mark.parametrize("starts_on", [ADMISSION, DISCHARGE])
def test_the_training_may_start_on_the_admission_or_the_discharge_day(stay, social_worker, starts_on):
    assert services.training_plan_start(by=social_worker, stay=stay, starts_on=starts_on).starts_on == starts_on


def test_a_stay_has_one_training_only(plan, stay, social_worker):
    message = refused(services.training_plan_start, by=social_worker, stay=stay, starts_on=DAY3)
    assert message == "This stay already has a workplace training."
    assert TrainingPlan.objects.count() == 1


def test_changing_the_start_keeps_the_earlier_version(plan, social_worker):
    based_on = services.latest_version(plan)
    services.training_plan_change(
        by=social_worker, plan=plan, starts_on=ADMISSION, profile_basis="neu", based_on=based_on
    )
    versions = list(plan.history.order_by("history_id").values_list("starts_on", "profile_basis"))
    assert versions == [(DAY3, "4 h belastbar"), (ADMISSION, "neu")]
    assert "therapy.training.changed" in audit_codes()


def test_the_start_cannot_move_after_the_first_agreed_sub_goal(plan, subgoal, social_worker):
    message = refused(
        services.training_plan_change,
        by=social_worker,
        plan=plan,
        starts_on=DAY3 + dt.timedelta(days=1),
        profile_basis=plan.profile_basis,
    )
    assert message == "The training cannot start after its first sub-goal or practised situation (04.11.2026)."
    plan.refresh_from_db()
    assert plan.starts_on == DAY3


# --- sub-goals ------------------------------------------------------------------------------------------------------


def test_a_sub_goal_is_stored_verifiable_and_open_with_its_audit_row(subgoal):
    assert subgoal.verification == "Pausenprotokoll" and subgoal.result == SubGoalResult.OPEN
    assert audit_codes() == ["therapy.training.started", "therapy.training.subgoal_added"]


def test_a_sub_goal_without_a_way_to_check_it_is_refused(plan, social_worker):
    message = refused(
        services.subgoal_add,
        by=social_worker,
        plan=plan,
        text="Besser werden",
        verification="  ",
        agreed_on=DAY3,
        today=TODAY,
    )
    assert message == "Please say how the sub-goal will be checked: a sub-goal must be verifiable."
    assert not TrainingSubGoal.objects.exists()


def test_a_sub_goal_without_text_is_refused(plan, social_worker):
    message = refused(
        services.subgoal_add, by=social_worker, plan=plan, text=" ", verification="x", agreed_on=DAY3, today=TODAY
    )
    assert message == "Please describe the sub-goal."


def test_a_sub_goal_agreed_after_discharge_is_refused(plan, social_worker):
    message = refused(
        services.subgoal_add,
        by=social_worker,
        plan=plan,
        text="x",
        verification="y",
        agreed_on=DISCHARGE + dt.timedelta(days=1),
        today=dt.date(2026, 12, 31),
    )
    assert message == "The sub-goal must be agreed on a date within the stay (02.11.2026 – 07.12.2026)."


def test_a_sub_goal_agreed_before_the_training_started_is_refused(plan, social_worker):
    message = refused(
        services.subgoal_add,
        by=social_worker,
        plan=plan,
        text="x",
        verification="y",
        agreed_on=DAY3 - dt.timedelta(days=1),
        today=TODAY,
    )
    assert message == "A sub-goal cannot be agreed before the training starts (04.11.2026)."


def test_a_sub_goal_may_be_agreed_today_but_not_tomorrow(plan, social_worker):
    kwargs = {"by": social_worker, "plan": plan, "text": "x", "verification": "y", "today": TODAY}
    assert services.subgoal_add(agreed_on=TODAY, **kwargs).agreed_on == TODAY
    message = refused(services.subgoal_add, agreed_on=TODAY + dt.timedelta(days=1), **kwargs)
    assert message == "The date 21.11.2026 lies in the future."
    assert TrainingSubGoal.objects.count() == 1


def test_an_achieved_sub_goal_needs_no_note(subgoal, social_worker):
    result = services.subgoal_assess(by=social_worker, subgoal=subgoal, result="yes", assessed_on=DAY3, today=TODAY)
    assert (result.result, result.assessed_on, result.result_note) == ("yes", DAY3, "")
    assert "therapy.training.subgoal_assessed" in audit_codes()


@pytest.mark.parametrize("result", ["partly", "no"])
def test_a_partly_or_not_achieved_sub_goal_needs_a_note(subgoal, social_worker, result):
    message = refused(
        services.subgoal_assess,
        by=social_worker,
        subgoal=subgoal,
        result=result,
        note=" ",
        assessed_on=TODAY,
        today=TODAY,
    )
    assert message == "A sub-goal achieved only partly or not at all needs a note on what was missing."
    subgoal.refresh_from_db()
    assert subgoal.result == "open"
    assessed = services.subgoal_assess(
        by=social_worker, subgoal=subgoal, result=result, note="Pausen vergessen", assessed_on=TODAY, today=TODAY
    )
    assert assessed.result_note == "Pausen vergessen"


def test_open_is_not_an_assessment(subgoal, social_worker):
    message = refused(
        services.subgoal_assess, by=social_worker, subgoal=subgoal, result="open", assessed_on=TODAY, today=TODAY
    )
    assert message == "Please choose achieved, partly achieved or not achieved."


def test_the_assessment_may_fall_on_the_agreement_day_but_not_before_it(plan, social_worker):
    later = services.subgoal_add(
        by=social_worker, plan=plan, text="x", verification="y", agreed_on=dt.date(2026, 11, 10), today=TODAY
    )
    message = refused(
        services.subgoal_assess,
        by=social_worker,
        subgoal=later,
        result="yes",
        assessed_on=dt.date(2026, 11, 9),
        today=TODAY,
    )
    assert message == "The assessment cannot lie before the day the sub-goal was agreed (10.11.2026)."
    assessed = services.subgoal_assess(
        by=social_worker, subgoal=later, result="yes", assessed_on=dt.date(2026, 11, 10), today=TODAY
    )
    assert assessed.assessed_on == dt.date(2026, 11, 10)


def test_an_assessment_in_the_future_is_refused(subgoal, social_worker):
    message = refused(
        services.subgoal_assess,
        by=social_worker,
        subgoal=subgoal,
        result="yes",
        assessed_on=TODAY + dt.timedelta(days=1),
        today=TODAY,
    )
    assert message == "The date 21.11.2026 lies in the future."


def test_an_assessment_after_discharge_is_refused(subgoal, social_worker):
    message = refused(
        services.subgoal_assess,
        by=social_worker,
        subgoal=subgoal,
        result="yes",
        assessed_on=DISCHARGE + dt.timedelta(days=1),
        today=dt.date(2026, 12, 31),
    )
    assert message == "The assessment must lie within the stay (02.11.2026 – 07.12.2026)."


def test_a_second_assessment_keeps_the_first_in_the_history(subgoal, social_worker):
    first = services.subgoal_assess(
        by=social_worker, subgoal=subgoal, result="partly", note="noch unsicher", assessed_on=DAY3, today=TODAY
    )
    services.subgoal_assess(
        by=social_worker,
        subgoal=first,
        result="yes",
        assessed_on=TODAY,
        based_on=services.latest_version(first),
        today=TODAY,
    )
    results = list(subgoal.history.order_by("history_id").values_list("result", "result_note"))
    assert results == [("open", ""), ("partly", "noch unsicher"), ("yes", "")]


def test_an_assessment_based_on_an_older_version_is_refused_and_the_newer_one_kept(subgoal, social_worker):
    seen = services.latest_version(subgoal)
    services.subgoal_assess(
        by=social_worker, subgoal=subgoal, result="yes", assessed_on=DAY3, based_on=seen, today=TODAY
    )
    message = refused(
        services.subgoal_assess,
        by=social_worker,
        subgoal=subgoal,
        result="no",
        note="x",
        assessed_on=DAY3,
        based_on=seen,
        today=TODAY,
    )
    assert message.startswith("Somebody else changed this entry in the meantime")
    subgoal.refresh_from_db()
    assert subgoal.result == "yes"


# --- situations -----------------------------------------------------------------------------------------------------


def test_a_practised_situation_is_stored_with_its_audit_row(plan, social_worker):
    situation = services.situation_add(
        by=social_worker, plan=plan, description="Kundentelefonat", practised_on=DAY3, observation="ruhig", today=TODAY
    )
    assert (situation.description, situation.observation) == ("Kundentelefonat", "ruhig")
    assert "therapy.training.situation_added" in audit_codes()


@pytest.mark.parametrize(
    ("practised_on", "expected"),
    [
        (DAY3 - dt.timedelta(days=1), "A situation cannot be practised before the training starts (04.11.2026)."),
        (TODAY + dt.timedelta(days=1), "The date 21.11.2026 lies in the future."),
    ],
)
def test_a_situation_before_the_training_or_in_the_future_is_refused(plan, social_worker, practised_on, expected):
    message = refused(
        services.situation_add, by=social_worker, plan=plan, description="x", practised_on=practised_on, today=TODAY
    )
    assert message == expected
    assert not WorkSituation.objects.exists()


def test_a_situation_without_description_is_refused(plan, social_worker):
    message = refused(
        services.situation_add, by=social_worker, plan=plan, description="", practised_on=DAY3, today=TODAY
    )
    assert message == "Please describe the work situation practised."


# --- strategies -----------------------------------------------------------------------------------------------------


@pytest.fixture
def strategy(plan, social_worker):
    return services.strategy_add(
        by=social_worker,
        plan=plan,
        situation="Wenn das Postfach überläuft",
        strategy="Erst drei wichtigste Mails, dann Pause",
        written_on=DAY3,
        today=TODAY,
    )


def test_a_strategy_is_stored_with_its_audit_row(strategy):
    assert strategy.strategy == "Erst drei wichtigste Mails, dann Pause"
    assert "therapy.training.strategy_added" in audit_codes()


def test_a_strategy_needs_a_situation_and_a_text(plan, social_worker):
    kwargs = {"by": social_worker, "plan": plan, "written_on": DAY3, "today": TODAY}
    assert refused(services.strategy_add, situation=" ", strategy="x", **kwargs) == (
        "Please say when or where the strategy applies."
    )
    assert refused(services.strategy_add, situation="x", strategy="", **kwargs) == "Please write down the strategy."
    assert not TransferStrategy.objects.exists()


def test_a_strategy_written_before_admission_is_refused(plan, social_worker):
    message = refused(
        services.strategy_add,
        by=social_worker,
        plan=plan,
        situation="x",
        strategy="y",
        written_on=ADMISSION - dt.timedelta(days=1),
        today=TODAY,
    )
    assert message == "The strategy must be written within the stay (02.11.2026 – 07.12.2026)."


def test_changing_a_strategy_keeps_the_earlier_text_in_the_history(strategy, social_worker):
    services.strategy_change(
        by=social_worker,
        strategy=strategy,
        situation=strategy.situation,
        text="Erst Liste schreiben, dann drei Mails",
        based_on=services.latest_version(strategy),
    )
    texts = list(strategy.history.order_by("history_id").values_list("strategy", flat=True))
    assert texts == ["Erst drei wichtigste Mails, dann Pause", "Erst Liste schreiben, dann drei Mails"]
    strategy.refresh_from_db()
    assert strategy.strategy == "Erst Liste schreiben, dann drei Mails"
    assert "therapy.training.strategy_changed" in audit_codes()


def test_a_strategy_change_based_on_an_older_version_is_refused(strategy, social_worker, treating_psychologist):
    seen = services.latest_version(strategy)
    services.strategy_change(
        by=treating_psychologist, strategy=strategy, situation=strategy.situation, text="Version A", based_on=seen
    )
    message = refused(
        services.strategy_change, by=social_worker, strategy=strategy, situation="x", text="Version B", based_on=seen
    )
    assert message == (
        "Somebody else changed this entry in the meantime; your change was not saved. "
        "Please look at the current version and make your change again."
    )
    strategy.refresh_from_db()
    assert strategy.strategy == "Version A"


def test_a_strategy_change_that_changes_nothing_is_refused(strategy, social_worker):
    message = refused(
        services.strategy_change,
        by=social_worker,
        strategy=strategy,
        situation=strategy.situation,
        text=strategy.strategy,
    )
    assert message == "Nothing was changed."
    assert strategy.history.count() == 1
