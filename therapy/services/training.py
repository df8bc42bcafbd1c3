"""Writes of the workplace training (recommendations 7.2–7.8): the plan, its verifiable sub-goals and their
assessment, the work situations practised and the patient's transfer strategies.

Every service checks first and raises ``TrainingRefused`` with a message the page shows as it is (nothing stored),
then writes in one transaction with ``full_clean`` and one audit row. Changes keep the earlier versions
(simple-history on every model); a change based on a version that is no longer the latest is refused, so a
concurrent edit is never silently lost.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.errors import DomainError
from patients.models import Stay
from therapy import rules_training as rules
from therapy.models import TrainingPlan, TrainingSubGoal, TransferStrategy, WorkSituation
from wmr import audit


class TrainingRefused(DomainError):
    """A rule of the workplace training refused the entry (date outside the stay, missing note, …)."""

    default_message = gettext_lazy("This entry of the workplace training cannot be saved.")


# --- checks (messages name the rule that refused) ------------------------------------------------------------------


def _period(stay: Stay) -> str:
    if stay.discharge_date:
        return f"{stay.admission_date:%d.%m.%Y} – {stay.discharge_date:%d.%m.%Y}"
    return _("from %(date)s") % {"date": f"{stay.admission_date:%d.%m.%Y}"}


def _within_stay(stay: Stay, day: dt.date, message: str) -> None:
    if not rules.within_stay(day, admission=stay.admission_date, discharge=stay.discharge_date):
        raise TrainingRefused(message % {"period": _period(stay)})


def _not_in_future(day: dt.date, today: dt.date) -> None:
    if rules.in_future(day, today=today):
        raise TrainingRefused(_("The date %(date)s lies in the future.") % {"date": f"{day:%d.%m.%Y}"})


def _not_before_start(plan: TrainingPlan, day: dt.date, message: str) -> None:
    if day < plan.starts_on:
        raise TrainingRefused(message % {"date": f"{plan.starts_on:%d.%m.%Y}"})


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TrainingRefused(message)
    return value


def latest_version(obj) -> int | None:
    """The id of the newest history row of ``obj``: the version a change form is based on."""
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _locked_current(model, obj, based_on: int | None):
    """Lock ``obj``'s row for the change and refuse when somebody saved a newer version since ``based_on``."""
    current = model.objects.select_for_update().get(pk=obj.pk)
    if based_on is not None and latest_version(current) != based_on:
        raise TrainingRefused(
            _(
                "Somebody else changed this entry in the meantime; your change was not saved. "
                "Please look at the current version and make your change again."
            )
        )
    return current


# --- the plan (7.2) ------------------------------------------------------------------------------------------------


def training_plan_start(
    *, by, stay: Stay, starts_on: dt.date, profile_basis: str = "", today: dt.date | None = None
) -> TrainingPlan:
    """7.2: the workplace training of a stay starts (within the stay) from the work-ability profile. When no basis is
    typed, the latest profile comparison summary is stored (``selectors_training.profile_basis_suggestion``)."""
    from therapy.selectors_training import profile_basis_suggestion

    if TrainingPlan.objects.filter(stay=stay).exists():
        raise TrainingRefused(_("This stay already has a workplace training."))
    _within_stay(stay, starts_on, _("The workplace training must start within the stay (%(period)s)."))
    basis = (profile_basis or "").strip() or profile_basis_suggestion(stay)
    with transaction.atomic():
        plan = TrainingPlan(stay=stay, starts_on=starts_on, profile_basis=basis, created_by=by)
        plan.full_clean()
        plan.save()
        audit.log(plan, "therapy.training.started", user=by, data={"starts_on": starts_on.isoformat()})
    return plan


def training_plan_change(
    *, by, plan: TrainingPlan, starts_on: dt.date, profile_basis: str, based_on: int | None = None
) -> TrainingPlan:
    """Correct the start date or the profile basis; the earlier version stays in the history. The start cannot move
    after a sub-goal agreed or a situation practised already."""
    stay = plan.stay
    _within_stay(stay, starts_on, _("The workplace training must start within the stay (%(period)s)."))
    earliest = [d for d in (_earliest(plan.subgoals, "agreed_on"), _earliest(plan.situations, "practised_on")) if d]
    if earliest and starts_on > min(earliest):
        raise TrainingRefused(
            _("The training cannot start after its first sub-goal or practised situation (%(date)s).")
            % {"date": f"{min(earliest):%d.%m.%Y}"}
        )
    with transaction.atomic():
        current = _locked_current(TrainingPlan, plan, based_on)
        changed = current.starts_on != starts_on or current.profile_basis != profile_basis.strip()
        if not changed:
            raise TrainingRefused(_("Nothing was changed."))
        current.starts_on, current.profile_basis = starts_on, profile_basis.strip()
        current.full_clean()
        current.save()
        audit.log(current, "therapy.training.changed", user=by, data={"starts_on": starts_on.isoformat()})
    return current


def _earliest(related, field: str) -> dt.date | None:
    return related.order_by(field).values_list(field, flat=True).first()


# --- sub-goals (7.3) -----------------------------------------------------------------------------------------------


def subgoal_add(
    *, by, plan: TrainingPlan, text: str, verification: str, agreed_on: dt.date, today: dt.date | None = None
) -> TrainingSubGoal:
    """7.3: a verifiable sub-goal (what, and how it is checked) agreed with the patient on a date within the stay,
    not before the training started and not in the future."""
    today = today or timezone.localdate()
    text = _required(text, _("Please describe the sub-goal."))
    verification = _required(
        verification, _("Please say how the sub-goal will be checked: a sub-goal must be verifiable.")
    )
    _within_stay(plan.stay, agreed_on, _("The sub-goal must be agreed on a date within the stay (%(period)s)."))
    _not_before_start(plan, agreed_on, _("A sub-goal cannot be agreed before the training starts (%(date)s)."))
    _not_in_future(agreed_on, today)
    with transaction.atomic():
        subgoal = TrainingSubGoal(plan=plan, text=text, verification=verification, agreed_on=agreed_on)
        subgoal.full_clean()
        subgoal.save()
        audit.log(subgoal, "therapy.training.subgoal_added", user=by, data={"agreed_on": agreed_on.isoformat()})
    return subgoal


def subgoal_assess(
    *,
    by,
    subgoal: TrainingSubGoal,
    result: str,
    note: str = "",
    assessed_on: dt.date,
    based_on: int | None = None,
    today: dt.date | None = None,
) -> TrainingSubGoal:
    """7.3: achieved yes / partly / no, on or after the day it was agreed, within the stay, not in the future;
    "partly" and "no" need a note. A new assessment replaces the result shown; the earlier one stays in the history."""
    today = today or timezone.localdate()
    if result not in rules.ASSESSED_RESULTS:
        raise TrainingRefused(_("Please choose achieved, partly achieved or not achieved."))
    note = (note or "").strip()
    if rules.assessment_needs_note(result) and not note:
        raise TrainingRefused(_("A sub-goal achieved only partly or not at all needs a note on what was missing."))
    if assessed_on < subgoal.agreed_on:
        raise TrainingRefused(
            _("The assessment cannot lie before the day the sub-goal was agreed (%(date)s).")
            % {"date": f"{subgoal.agreed_on:%d.%m.%Y}"}
        )
    _within_stay(subgoal.plan.stay, assessed_on, _("The assessment must lie within the stay (%(period)s)."))
    _not_in_future(assessed_on, today)
    with transaction.atomic():
        current = _locked_current(TrainingSubGoal, subgoal, based_on)
        current.result, current.result_note, current.assessed_on = result, note, assessed_on
        current.full_clean()
        current.save()
        audit.log(current, "therapy.training.subgoal_assessed", user=by, data={"result": result})
    return current


# --- work situations (7.4) -----------------------------------------------------------------------------------------


def situation_add(
    *,
    by,
    plan: TrainingPlan,
    description: str,
    practised_on: dt.date,
    observation: str = "",
    today: dt.date | None = None,
) -> WorkSituation:
    """7.4: a work situation practised in the training, on a day within the stay since the training started."""
    today = today or timezone.localdate()
    description = _required(description, _("Please describe the work situation practised."))
    _within_stay(plan.stay, practised_on, _("The situation must be practised within the stay (%(period)s)."))
    _not_before_start(plan, practised_on, _("A situation cannot be practised before the training starts (%(date)s)."))
    _not_in_future(practised_on, today)
    with transaction.atomic():
        situation = WorkSituation(
            plan=plan, description=description, practised_on=practised_on, observation=(observation or "").strip()
        )
        situation.full_clean()
        situation.save()
        audit.log(
            situation, "therapy.training.situation_added", user=by, data={"practised_on": practised_on.isoformat()}
        )
    return situation


# --- transfer strategies (7.7, 7.8) --------------------------------------------------------------------------------


def strategy_add(
    *, by, plan: TrainingPlan, situation: str, strategy: str, written_on: dt.date, today: dt.date | None = None
) -> TransferStrategy:
    """7.7, 7.8: a strategy the patient wrote down (when / where, and what they will do), within the stay."""
    today = today or timezone.localdate()
    situation = _required(situation, _("Please say when or where the strategy applies."))
    strategy = _required(strategy, _("Please write down the strategy."))
    _within_stay(plan.stay, written_on, _("The strategy must be written within the stay (%(period)s)."))
    _not_in_future(written_on, today)
    with transaction.atomic():
        entry = TransferStrategy(plan=plan, situation=situation, strategy=strategy, written_on=written_on)
        entry.full_clean()
        entry.save()
        audit.log(entry, "therapy.training.strategy_added", user=by, data={"written_on": written_on.isoformat()})
    return entry


def strategy_change(
    *,
    by,
    strategy: TransferStrategy,
    situation: str,
    text: str,
    based_on: int | None = None,
) -> TransferStrategy:
    """7.8: the patient reworded a strategy. The earlier text stays in the history; a change based on an older
    version than the latest is refused (optimistic concurrency), and so is a change that changes nothing."""
    situation = _required(situation, _("Please say when or where the strategy applies."))
    text = _required(text, _("Please write down the strategy."))
    with transaction.atomic():
        current = _locked_current(TransferStrategy, strategy, based_on)
        if current.situation == situation and current.strategy == text:
            raise TrainingRefused(_("Nothing was changed."))
        current.situation, current.strategy = situation, text
        current.full_clean()
        current.save()
        audit.log(current, "therapy.training.strategy_changed", user=by, data={})
    return current
