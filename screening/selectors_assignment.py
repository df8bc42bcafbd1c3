"""Reads of the WMR assignment workflow: everything the case overview shows about screening, assignment and the
department code of one stay, in a constant number of queries (screening.md S-3, A-1…A-8, D-1…D-5).

The *allocated* code (D-1) is the department code the stay had before the first §301 correction recorded here:
the ``from_code`` of its first ``CodeCorrection``, or, while there is none, the stay's current department code.
Corrections go through ``patients.services.stay_update``, so the stay's history keeps every earlier code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from patients.models import Stay
from screening import rules
from screening.instruments import engine
from screening.models import (
    AssignmentDecision,
    CodeCorrection,
    Contraindication,
    ContraindicationCheck,
    MotivationRecord,
    NeedAssessment,
    ResultStatus,
    ScreeningResult,
)
from screening.selectors import setting_for, stay_results


def completed_on(result: ScreeningResult) -> dt.date:
    """The Europe/Berlin date a result was completed (timestamps are stored in UTC)."""
    return timezone.localdate(result.completed_at)


def current_results(results: list[ScreeningResult]) -> list[ScreeningResult]:
    """Results not replaced by a correction (a corrected result stays visible, but the correction counts; R-3)."""
    corrected = {r.corrects_id for r in results if r.corrects_id}
    return [r for r in results if r.pk not in corrected]


def latest_on(records: list, date_of, on: dt.date | None):
    """The newest of ``records`` (ordered newest first) dated on or before ``on`` (all when ``on`` is None)."""
    for record in records:
        if on is None or date_of(record) <= on:
            return record
    return None


@dataclass
class Step:
    """One step of the assignment workflow in its order of dependency (A-1)."""

    code: str
    label: str
    done: bool
    on: dt.date | None = None
    author: object = None
    detail: str = ""


@dataclass
class TaskView:
    """A §301 code task (D-1) with the decision that caused it and its correction, if recorded."""

    task: rules.CodeTask
    decision: AssignmentDecision
    correction: CodeCorrection | None
    state: str  # open / overdue / done_on_time / done_late / superseded


@dataclass
class AssignmentState:
    results: list[ScreeningResult]  # all results of the stay, newest first, corrections included
    latest: ScreeningResult | None  # the newest result not replaced by a correction
    latest_rule_text: str
    due_day: int
    due_date: dt.date
    start_state: str  # met / late / open / overdue (S-3)
    need_assessments: list[NeedAssessment]
    motivations: list[MotivationRecord]
    checks: list[ContraindicationCheck]
    decisions: list[AssignmentDecision]  # oldest first: the first decision, then the switches
    corrections: list[CodeCorrection]
    contraindication_labels: dict[str, str]
    allocated_code: str
    steps: list[Step] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    today: dt.date = dt.date.min

    @property
    def latest_positive(self) -> bool:
        return self.latest is not None and self.latest.status == ResultStatus.POSITIVE

    @property
    def current_decision(self) -> AssignmentDecision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def switches(self) -> list[AssignmentDecision]:
        return [d for d in self.decisions if d.is_switch]

    @property
    def latest_check(self) -> ContraindicationCheck | None:
        return self.checks[0] if self.checks else None

    @property
    def open_task(self) -> TaskView | None:
        return next((t for t in self.tasks if t.state in {"open", "overdue"}), None)

    @property
    def week1_indicator(self) -> str:
        """D-4: ``department_code_corrected_week1`` of the stay's week-1 task (not applicable without one)."""
        week1 = next((t for t in self.tasks if t.task.week1 and t.state != "superseded"), None)
        if week1 is None:
            return "not_applicable"
        corrected = week1.correction.corrected_on if week1.correction else None
        return rules.week1_code_indicator(week1.task, corrected, self.today)

    def findings_text(self, check: ContraindicationCheck) -> str:
        labels = [self.contraindication_labels.get(code, code) for code in check.findings]
        if check.other_text:
            labels.append(check.other_text)
        return ", ".join(labels)


def stay_assignment(stay: Stay, today: dt.date) -> AssignmentState:
    """The screening, assignment and department-code state of a stay on ``today``.

    Queries (constant): results, facility setting, need assessments, motivations, contraindication checks,
    decisions, code corrections, contraindication labels — 8.
    """
    results = list(stay_results(stay))
    current = current_results(results)
    latest = current[0] if current else None
    setting = setting_for(stay, stay.admission_date)
    due_day = setting.screening_due_day if setting else rules.DEFAULT_DUE_DAY
    facts = [rules.ResultFact(r.status, completed_on(r)) for r in current]
    language = translation.get_language() or "de"
    state = AssignmentState(
        results=results,
        latest=latest,
        latest_rule_text=engine.rule_text(latest.rule, language) if latest is not None and latest.rule else "",
        due_day=due_day,
        due_date=rules.screening_due_date(stay.admission_date, due_day),
        start_state=rules.screening_start_state(facts, stay.admission_date, due_day, today),
        need_assessments=list(stay.need_assessments.select_related("author").order_by("-assessed_on", "-id")),
        motivations=list(stay.motivations.select_related("author").order_by("-recorded_on", "-id")),
        checks=list(stay.contra_checks.select_related("physician").order_by("-checked_on", "-id")),
        decisions=list(stay.decisions.select_related("decided_by").order_by("decided_on", "id")),
        corrections=list(stay.code_corrections.select_related("recorded_by").order_by("created_at", "id")),
        contraindication_labels={
            c.code: c.label(language[:2]) for c in Contraindication.objects.order_by("position", "code")
        },
        allocated_code=stay.department_code,
        today=today,
    )
    if state.corrections:
        state.allocated_code = state.corrections[0].from_code
    state.tasks = _code_tasks(stay, state, today)
    state.steps = _steps(state)
    return state


def _code_tasks(stay: Stay, state: AssignmentState, today: dt.date) -> list[TaskView]:
    """Walk the decisions in order: each one whose target differs from the code then in the §301 data makes a task;
    a recorded correction moves that code on. A task still undone when a later decision arrives is superseded."""
    by_decision: dict[int, CodeCorrection] = {}
    for correction in state.corrections:
        by_decision.setdefault(correction.decision_id, correction)
    code = state.allocated_code
    tasks: list[TaskView] = []
    for decision in state.decisions:
        if tasks and tasks[-1].state in {"open", "overdue"}:
            tasks[-1].state = "superseded"
        first_week = not decision.is_switch or rules.decided_in_first_week(stay.admission_date, decision.decided_on)
        task = rules.code_task(
            code,
            decision.target_code,
            stay.admission_date,
            stay.discharge_date,
            decision.decided_on,
            first_week,
        )
        if task is None:
            continue
        correction = by_decision.get(decision.pk)
        corrected_on = correction.corrected_on if correction else None
        tasks.append(TaskView(task, decision, correction, rules.code_task_state(task, corrected_on, today)))
        if correction is not None:
            code = correction.to_code
    return tasks


def _steps(state: AssignmentState) -> list[Step]:
    """A-1: screening → need assessment (only when the screening is not positive) → motivation → physician's
    contraindication check → decision."""
    latest = state.latest
    steps = [
        Step(
            "screening",
            str(_("Screening")),
            latest is not None,
            completed_on(latest) if latest else None,
            latest.entered_by if latest else None,
            latest.get_status_display() if latest else "",
        )
    ]
    if not state.latest_positive:
        need = state.need_assessments[0] if state.need_assessments else None
        steps.append(
            Step(
                "need_assessment",
                str(_("Need assessment (screening not positive)")),
                need is not None,
                need.assessed_on if need else None,
                need.author if need else None,
                need.get_source_display() if need else "",
            )
        )
    motivation = state.motivations[0] if state.motivations else None
    steps.append(
        Step(
            "motivation",
            str(_("Motivation")),
            motivation is not None,
            motivation.recorded_on if motivation else None,
            motivation.author if motivation else None,
            motivation.get_motivation_display() if motivation else "",
        )
    )
    check = state.latest_check
    steps.append(
        Step(
            "contraindication_check",
            str(_("Physician's contraindication check")),
            check is not None,
            check.checked_on if check else None,
            check.physician if check else None,
            (state.findings_text(check) or str(_("none found"))) if check else "",
        )
    )
    decision = state.current_decision
    steps.append(
        Step(
            "decision",
            str(_("Decision")),
            decision is not None,
            decision.decided_on if decision else None,
            decision.decided_by if decision else None,
            decision.get_decision_display() if decision else "",
        )
    )
    return steps
