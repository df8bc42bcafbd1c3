"""Reads of the sick-leave history and its triggers (rec 8.2, 8.4; hamburg_model.md §10, K-1, K-4), shaped for the
sick-leave page, the case overview (``stay_sick_leave_state``) and the API. Constant queries whatever the number of
periods or examinations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Stay
from reintegration import sickleave as rules
from reintegration.models import SickLeavePeriod, TriggerExamination, TriggerKind, WorkSituation

RECOMMENDATION = {TriggerKind.BEM: "8.2", TriggerKind.GRADED_RETURN: "8.4"}

# Where a trigger comes from: the 12 months before admission (B-6), or only the projection at discharge.
SOURCE_ADMISSION = "admission"
SOURCE_DISCHARGE = "discharge"

# Task states: open / overdue (no outcome, past the discharge day) / done / late (outcome after the discharge day,
# K-4) / not_triggered.
OPEN, OVERDUE, DONE, LATE, NOT_TRIGGERED = "open", "overdue", "done", "late", "not_triggered"


@dataclass(frozen=True)
class PeriodRow:
    period: SickLeavePeriod
    days_counted: int  # days of this period inside the window before admission (before overlaps are merged)


@dataclass(frozen=True)
class TriggerTask:
    """One trigger of the sick-leave history and its outcome: a task on the case overview while ``is_open``."""

    kind: str  # TriggerKind value
    label: str  # "Examine occupational integration management (BEM)" …
    recommendation: str  # "8.2" / "8.4"
    active: bool  # the rule fires
    source: str  # SOURCE_ADMISSION / SOURCE_DISCHARGE / "" (not active)
    reason: str  # the rule and the figures in words
    examination: TriggerExamination | None  # the latest recorded outcome of this kind
    due_by: dt.date | None  # the discharge day (K-4)
    state: str  # OPEN / OVERDUE / DONE / LATE / NOT_TRIGGERED

    @property
    def is_open(self) -> bool:
        return self.active and self.examination is None


@dataclass
class SickLeaveState:
    """What the sick-leave page, the case overview and the API show of a stay's sick-leave history."""

    periods: list[PeriodRow]  # newest first
    work_situation: WorkSituation | None
    working_days_per_week: int  # from the work situation, else 5 (assumed)
    working_days_assumed: bool
    verdict: rules.SickLeaveVerdict  # the 12 months before admission (B-6 reference: the day before admission)
    projected: rules.SickLeaveVerdict | None  # at the planned discharge, counting the rehab stay (B-2, B-6)
    triggers: list[TriggerTask]  # BEM (8.2), graded return (8.4), active or not
    examinations: list[TriggerExamination]  # every recorded outcome, newest first
    summary: str  # the days and what they trigger, in words
    projected_summary: str  # the projection at discharge in words ("" without a discharge date)
    s74_note: str  # B-7 in words ("" when not due)
    today: dt.date

    @property
    def last_working_day(self) -> str:
        """B-5 assumption: an n-day week works Monday to the n-th weekday ("Friday" for a 5-day week)."""
        return str(WEEKDAYS[self.working_days_per_week - 1])

    @property
    def has_entries(self) -> bool:
        return bool(self.periods)

    @property
    def open_tasks(self) -> list[TriggerTask]:
        return [task for task in self.triggers if task.is_open]

    @property
    def active_triggers(self) -> list[TriggerTask]:
        return [task for task in self.triggers if task.active]


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def _facts(periods) -> list[rules.AbsenceFact]:
    return [rules.AbsenceFact(p.starts_on, p.ends_on, p.kind) for p in periods]


def _bem_words(verdict: rules.SickLeaveVerdict) -> str:
    limit = {"limit": verdict.working_day_limit}
    if verdict.bem_rule == rules.RULE_BOTH:
        return _("more than 42 days and more than %(limit)s working days → BEM to be examined (8.2)") % limit
    if verdict.bem_rule == rules.RULE_WORKING_DAYS:
        return _("more than %(limit)s working days → BEM to be examined (8.2)") % limit
    return _("more than 42 days → BEM to be examined (8.2)")


def _no_trigger_words(verdict: rules.SickLeaveVerdict, *, graded_return: bool = True) -> str:
    if graded_return:
        return _(
            "no trigger (BEM from more than 42 days or more than %(limit)s working days, a graded return from "
            "%(min)s days)"
        ) % {"limit": verdict.working_day_limit, "min": verdict.grtw_min_days}
    return _("no BEM trigger (more than 42 days or more than %(limit)s working days)") % {
        "limit": verdict.working_day_limit
    }


def summary_words(verdict: rules.SickLeaveVerdict) -> str:
    """ "91 days of sick leave in the 12 months before admission (02.03.2025–01.03.2026): more than 42 days → BEM to
    be examined (8.2); at least 90 days → examine a graded return (8.4)." """
    days = ngettext(
        "%(days)s day of sick leave in the 12 months before admission (%(start)s–%(end)s)",
        "%(days)s days of sick leave in the 12 months before admission (%(start)s–%(end)s)",
        verdict.calendar_days,
    ) % {"days": verdict.calendar_days, "start": _date(verdict.window_start), "end": _date(verdict.window_end)}
    parts = []
    if verdict.bem:
        parts.append(_bem_words(verdict))
    if verdict.grtw_due:
        parts.append(_("at least %(min)s days → examine a graded return (8.4)") % {"min": verdict.grtw_min_days})
    return f"{days}: {'; '.join(parts) if parts else _no_trigger_words(verdict)}."


def projected_words(verdict: rules.SickLeaveVerdict | None) -> str:
    """B-6: the projection at the planned discharge, counting the rehab stay itself (BEM only: K-1 looks at the
    12 months before rehab)."""
    if verdict is None:
        return ""
    days = ngettext(
        "At the planned discharge on %(date)s, counting the rehab stay: %(days)s day in the 12 months "
        "(%(start)s–%(end)s)",
        "At the planned discharge on %(date)s, counting the rehab stay: %(days)s days in the 12 months "
        "(%(start)s–%(end)s)",
        verdict.calendar_days,
    ) % {
        "date": _date(verdict.reference),
        "days": verdict.calendar_days,
        "start": _date(verdict.window_start),
        "end": _date(verdict.window_end),
    }
    outcome = _bem_words(verdict) if verdict.bem else _no_trigger_words(verdict, graded_return=False)
    return f"{days}: {outcome}."


def s74_words(verdict: rules.SickLeaveVerdict, projected: rules.SickLeaveVerdict | None) -> str:
    """B-7 / L-2: from the 42nd day of a current AU episode the treating physician assesses a graded return."""
    if verdict.s74_due:
        return _(
            "The current sick leave has lasted %(days)s days since %(start)s (on the day before admission). From its "
            "42nd day (%(date)s) the treating physician assesses with each certificate whether a graded return is "
            "possible (§74 SGB V)."
        ) % {"days": verdict.episode_days, "start": _date(verdict.episode_start), "date": _date(verdict.s74_due_from)}
    if projected is not None and projected.s74_due:
        return _(
            "Counting the rehab stay, the sick leave reaches its 42nd day on %(date)s: if the patient is still unable "
            "to work at discharge, the treating physician assesses a graded return (§74 SGB V)."
        ) % {"date": _date(projected.s74_due_from)}
    return ""


def _task_state(active: bool, examination: TriggerExamination | None, due_by: dt.date | None, today: dt.date) -> str:
    if examination is not None:
        return LATE if due_by is not None and examination.examined_on > due_by else DONE
    if not active:
        return NOT_TRIGGERED
    return OVERDUE if due_by is not None and today > due_by else OPEN


def _triggers(stay: Stay, verdict, projected, latest: dict, today: dt.date) -> list[TriggerTask]:
    due_by = stay.discharge_date
    tasks = []
    # BEM (8.2): the 12 months before admission, or only once the rehab stay is counted (B-6).
    if verdict.bem:
        source = SOURCE_ADMISSION
        reason = _("%(rule)s; threshold crossed on %(date)s.") % {
            "rule": _bem_words(verdict),
            "date": _date(verdict.bem_since),
        }
    elif projected is not None and projected.bem:
        source = SOURCE_DISCHARGE
        reason = _("Counting the rehab stay: %(rule)s; threshold crossed on %(date)s.") % {
            "rule": _bem_words(projected),
            "date": _date(projected.bem_since),
        }
    else:
        source, reason = "", _no_trigger_words(verdict, graded_return=False)
    tasks.append(_task(TriggerKind.BEM, bool(source), source, reason, latest, due_by, today))
    # Graded return (8.4, K-1): the 12 months before rehab only.
    if verdict.grtw_due:
        reason = _("%(days)s days of sick leave in the 12 months before admission: at least %(min)s days.") % {
            "days": verdict.calendar_days,
            "min": verdict.grtw_min_days,
        }
    else:
        reason = _("%(days)s days of sick leave in the 12 months before admission: fewer than %(min)s days.") % {
            "days": verdict.calendar_days,
            "min": verdict.grtw_min_days,
        }
    source = SOURCE_ADMISSION if verdict.grtw_due else ""
    tasks.append(_task(TriggerKind.GRADED_RETURN, verdict.grtw_due, source, reason, latest, due_by, today))
    return tasks


def _task(kind, active, source, reason, latest, due_by, today) -> TriggerTask:
    examination = latest.get(kind)
    return TriggerTask(
        kind=str(kind),
        label=str(TriggerKind(kind).label),
        recommendation=RECOMMENDATION[kind],
        active=active,
        source=source,
        reason=reason,
        examination=examination,
        due_by=due_by,
        state=_task_state(active, examination, due_by, today),
    )


def stay_periods(stay: Stay):
    """The stay's periods, newest first, with who entered them."""
    return SickLeavePeriod.objects.filter(stay=stay).select_related("created_by").order_by("-starts_on", "-id")


def stay_examinations(stay: Stay):
    """Every recorded trigger outcome, newest first, with who recorded it."""
    return (
        TriggerExamination.objects.filter(stay=stay)
        .select_related("recorded_by")
        .order_by("-examined_on", "-recorded_at", "-id")
    )


def stay_work_situation(stay: Stay) -> WorkSituation | None:
    """The stay's work situation (None until recorded), with who changed it last."""
    return WorkSituation.objects.filter(stay=stay).select_related("updated_by").first()


def stay_sick_leave_state(stay: Stay, today: dt.date) -> SickLeaveState:
    """The sick-leave history of a stay and what it triggers, in three queries (periods, examinations, work
    situation) whatever their number. The verdict is taken the day before admission (B-6), with the projection at
    the planned discharge; K-1's threshold is the setting ``GRTW_EXAMINE_MIN_DAYS``."""
    periods = list(stay_periods(stay))
    examinations = list(stay_examinations(stay))
    situation = stay_work_situation(stay)
    per_week = situation.working_days_per_week if situation else 5
    judged = rules.judge_stay(
        _facts(periods),
        admission=stay.admission_date,
        discharge=stay.discharge_date,
        working_days_per_week=per_week,
        grtw_min_days=settings.GRTW_EXAMINE_MIN_DAYS,
    )
    verdict, projected = judged.before_admission, judged.at_discharge
    latest: dict = {}
    for examination in examinations:  # newest first: the first of a kind is the one in force
        latest.setdefault(examination.kind, examination)
    return SickLeaveState(
        periods=[PeriodRow(period, rules.days_in_window(_facts([period])[0], verdict.reference)) for period in periods],
        work_situation=situation,
        working_days_per_week=per_week,
        working_days_assumed=situation is None,
        verdict=verdict,
        projected=projected,
        triggers=_triggers(stay, verdict, projected, latest, today),
        examinations=examinations,
        summary=summary_words(verdict),
        projected_summary=projected_words(projected),
        s74_note=s74_words(verdict, projected),
        today=today,
    )


def stay_sick_leave_history(stay: Stay) -> list:
    """Every recorded version of the stay's periods, trigger outcomes and work situation (simple-history), newest
    first, with what changed: a corrected or removed period stays readable. Three queries."""
    from patients.history import history_entries

    related = [
        (SickLeavePeriod.history.filter(stay_id=stay.pk), str(SickLeavePeriod._meta.verbose_name)),
        (TriggerExamination.history.filter(stay_id=stay.pk), str(TriggerExamination._meta.verbose_name)),
        (WorkSituation.history.filter(stay_id=stay.pk), str(WorkSituation._meta.verbose_name)),
    ]
    entries = [
        entry
        for qs, label in related
        for entry in history_entries(
            qs.select_related("history_user").order_by("id", "history_date", "history_id"), label
        )
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)
