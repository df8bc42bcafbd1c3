"""Reads of the graded return-to-work plan (Hamburg model) for the case overview, the plan page and the API.

``stay_plan_state(stay, today)``: everything the overview and the plan page show of the stay's graded plan, from a
constant number of queries (the stay's work situation, the plans, and one query each for their steps, vacations,
consents, interruptions and tasks). ``plan_for_stay(stay, plan_id)`` looks one version up through the stay (None when
it is not the stay's) with the same rows loaded; ``plan_detail(plan, today)`` computes one version's state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from reintegration import hamburg
from reintegration.models import (
    ConsentState,
    GradedReturnPlan,
    PlanConsent,
    PlanInterruption,
    PlanParty,
    PlanStatus,
    PlanTask,
)
from reintegration.services import plan as plan_services

# statuses in which the rules still judge the plan (an ended or replaced version keeps its outcome, TR1)
JUDGED = (*plan_services.PLANNING, PlanStatus.SUBMITTED, PlanStatus.APPROVED, *plan_services.EXECUTING)
IN_FORCE = (PlanStatus.SUBMITTED, PlanStatus.APPROVED, *plan_services.EXECUTING)


@dataclass(frozen=True)
class ConsentRow:
    """The state of one party (§4): its latest event, or none yet."""

    party: str
    label: str
    event: PlanConsent | None
    state: str | None  # a ConsentState value, None while nothing is recorded
    state_label: str
    required: bool  # C-1, C-2 (unless C-4), C-3; the occupational physician is optional (C-6)
    ok: bool  # given (or, for the employer, not required with the entitlement)


@dataclass(frozen=True)
class InterruptionRow:
    interruption: PlanInterruption
    verdict: hamburg.InterruptionVerdict  # E-1 … E-3, an open one judged up to today
    payer_continued: bool  # E-4


@dataclass
class PlanDetail:
    """One version of the plan with what the rules say about it."""

    plan: GradedReturnPlan
    computed: hamburg.ComputedPlan
    findings: list[hamburg.Finding]  # V-1 … V-11 (empty for an ended version)
    payer: hamburg.PayerDecision
    consents: list[ConsentRow]
    prerequisites: tuple[hamburg.PrerequisiteItem, ...]
    interruptions: list[InterruptionRow]
    tasks: list[PlanTask]  # all of this version, open first
    judged_submission_on: dt.date | None  # the date V-8 was judged on

    @property
    def errors(self) -> list[hamburg.Finding]:
        return hamburg.errors(self.findings)

    @property
    def warnings(self) -> list[hamburg.Finding]:
        return hamburg.warnings(self.findings)

    @property
    def missing_reasons(self) -> list[hamburg.Finding]:
        """V-5 / V-9 warnings whose justification is not recorded yet."""
        return hamburg.unjustified(self.findings)

    @property
    def blocking_prerequisites(self) -> list[hamburg.PrerequisiteItem]:
        return [item for item in self.prerequisites if item.blocks_ready]

    @property
    def can_mark_ready(self) -> bool:
        """What ``plan_mark_ready`` checks (the warnings may still need the confirmation)."""
        return (
            self.plan.status in (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING)
            and not self.errors
            and not self.missing_reasons
            and not self.blocking_prerequisites
        )

    @property
    def counseling_missing(self) -> list[str]:
        """K-2: topic keys still to tick before the submission."""
        return hamburg.counseling_missing(self.plan.counseling_topics)


@dataclass
class StayPlanState:
    """The stay's graded plan for the case overview and the plan page. ``plan`` is the newest version (None: no
    plan yet); ``in_force`` the older version still in force while a newer one is prepared (H-6)."""

    facts: hamburg.CaseFacts
    plan: GradedReturnPlan | None = None
    current: PlanDetail | None = None
    versions: list[GradedReturnPlan] = field(default_factory=list)  # newest first
    in_force: GradedReturnPlan | None = None
    open_tasks: list[PlanTask] = field(default_factory=list)  # of every version, by due date
    latest_submission_on: dt.date | None = None  # K-5: discharge + 14 days
    latest_submission_passed: bool = False  # today is later than the K-5 date

    @property
    def computed(self) -> hamburg.ComputedPlan | None:
        return self.current.computed if self.current else None

    @property
    def findings(self) -> list[hamburg.Finding]:
        return self.current.findings if self.current else []

    @property
    def payer(self) -> hamburg.PayerDecision | None:
        return self.current.payer if self.current else None

    @property
    def consents(self) -> list[ConsentRow]:
        return self.current.consents if self.current else []

    @property
    def prerequisites(self) -> tuple[hamburg.PrerequisiteItem, ...]:
        return self.current.prerequisites if self.current else ()

    @property
    def interruptions(self) -> list[InterruptionRow]:
        return self.current.interruptions if self.current else []


def _plans():
    return GradedReturnPlan.objects.select_related(
        "previous", "created_by", "prerequisites_by", "warnings_confirmed_by"
    ).prefetch_related(
        "steps",
        "vacations",
        Prefetch("consents", queryset=PlanConsent.objects.select_related("patient_consent", "recorded_by")),
        "interruptions",
        Prefetch("tasks", queryset=PlanTask.objects.select_related("done_by")),
    )


def plan_for_stay(stay, plan_id) -> GradedReturnPlan | None:
    """One version of the stay's plan with its rows loaded; None when there is no such plan of this stay (the view
    answers 404)."""
    try:
        plan_id = int(plan_id)
    except (TypeError, ValueError):
        return None
    plan = _plans().filter(stay=stay, pk=plan_id).first()
    if plan is not None:
        plan.stay = stay
    return plan


def _consent_rows(plan: GradedReturnPlan, facts: hamburg.CaseFacts) -> list[ConsentRow]:
    latest = plan_services.latest_consents(plan)
    rows = []
    for party in PlanParty:
        event = latest.get(party.value)
        state = event.state if event else None
        ok = state == ConsentState.GIVEN or (
            party == PlanParty.EMPLOYER and state == ConsentState.NOT_REQUIRED and facts.severely_disabled
        )
        if party == PlanParty.OCCUPATIONAL_PHYSICIAN:
            ok = state == ConsentState.INVOLVED
        rows.append(
            ConsentRow(
                party=party.value,
                label=str(party.label),
                event=event,
                state=state,
                state_label=str(ConsentState(state).label) if state else "",
                required=party != PlanParty.OCCUPATIONAL_PHYSICIAN,
                ok=ok,
            )
        )
    return rows


def plan_detail(plan: GradedReturnPlan, today: dt.date, *, facts: hamburg.CaseFacts | None = None) -> PlanDetail:
    """One version's computed plan (H-3 … H-5), findings (V-1 … V-11, only while the plan is open), payer (§3),
    consents per party (§4), checklist (P-1 … P-7), interruptions with their verdicts (E-1 … E-4) and tasks. No query
    of its own when the plan comes from ``plan_for_stay`` / ``stay_plan_state`` and ``facts`` are given."""
    facts = facts if facts is not None else plan_services.plan_facts(plan.stay)
    plan_input = plan_services.plan_input(plan)
    payer = plan_services.plan_payer(plan, facts)
    findings = plan_services.plan_findings(plan, today=today, facts=facts) if plan.status in JUDGED else []
    interruptions = [
        InterruptionRow(
            interruption=interruption,
            verdict=hamburg.judge_interruption(interruption.first_missed_day, interruption.last_missed_day, today),
            payer_continued=interruption.payer_continue_on is not None,
        )
        for interruption in sorted(plan.interruptions.all(), key=lambda row: row.first_missed_day)
    ]
    tasks = sorted(plan.tasks.all(), key=lambda task: (task.done_on is not None, task.due_on, task.pk))
    return PlanDetail(
        plan=plan,
        computed=hamburg.compute_plan(plan_input),
        findings=findings,
        payer=payer,
        consents=_consent_rows(plan, facts),
        prerequisites=plan_services.plan_checklist(plan, findings=findings, facts=facts, payer=payer),
        interruptions=interruptions,
        tasks=tasks,
        judged_submission_on=plan_services.judged_submission_date(plan, today) if plan.status in JUDGED else None,
    )


def stay_plan_state(stay, today) -> StayPlanState:
    """The stay's graded plan as the case overview and the plan page show it (also without a plan: K-5 from the
    discharge date). Queries: the work situation, the plans, their steps, vacations, consents (with the patient's
    consent), interruptions and tasks — seven, however many versions and rows there are."""
    facts = plan_services.plan_facts(stay)
    versions = list(_plans().filter(stay=stay).order_by("-version"))
    for version in versions:
        version.stay = stay  # no query for plan.stay
    latest_on = hamburg.latest_submission_date(stay.discharge_date) if stay.discharge_date else None
    state = StayPlanState(
        facts=facts,
        versions=versions,
        latest_submission_on=latest_on,
        latest_submission_passed=bool(latest_on and today > latest_on),
    )
    if not versions:
        return state
    current = versions[0]
    state.plan = current
    state.current = plan_detail(current, today, facts=facts)
    state.in_force = next((v for v in versions[1:] if v.status in IN_FORCE), None)
    state.open_tasks = sorted(
        (task for version in versions for task in version.tasks.all() if task.done_on is None),
        key=lambda task: (task.due_on, task.pk),
    )
    return state
