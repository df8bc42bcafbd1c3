"""Indicators of sections 1 and 2 (preparation; screening and assignment): the facts builders and the functions the
registry calls (see compliance/registry.py for the contract). The judgement is ``compliance.indicators.start_rules``
(pure); this module only reads the patients and screening apps through their selectors and models, never writes.

- Stay measures 1.1, 1.2, 1.4, 2.1, 2.3, 2.5 (placed in a period by the admission date): ``stay_results(stay, today)``
  in 9 queries per stay — the screening app's ``stay_assignment`` (8: results, setting, need assessments, motivations,
  checks, decisions, corrections, contraindication labels) and the stay's invitation letters (1).
- Facility measures 2.7 and 2.8: ``fn(facility, period, today) -> FacilityResult``. 2.7 loads the facts of the
  stays discharged in the period as the quarterly report judges them (``screening.services.reports``: three queries
  of plain rows, the period's discharges only); 2.8 reads the quarterly reports (1 query).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from compliance.indicators import start_rules as rules
from compliance.registry import ADMISSION, FacilityResult
from patients.models import DocumentKind
from patients.selectors import stay_documents
from screening import rules as screening_rules
from screening.models import QuotaReport
from screening.selectors_assignment import completed_on, current_results, stay_assignment
from screening.services.reports import discharged_stay_facts
from wmr.indicators import IndicatorResult

STAY_BASIS: dict[str, str] = {key: ADMISSION for key in rules.INDICATORS}


def _invitations(stay) -> tuple[rules.InvitationFact, ...]:
    letters = stay_documents(stay).filter(kind=DocumentKind.INVITATION_LETTER).values_list("created_at", "facts")
    return tuple(
        rules.InvitationFact(
            created_on=timezone.localdate(created_at),
            explains_wmr=bool(facts.get("explains_wmr")),
            asks_occupational_contacts=bool(facts.get("asks_occupational_contacts")),
            links_online_info=bool(facts.get("links_online_info")),
        )
        for created_at, facts in letters
    )


def stay_facts(stay, today: dt.date) -> rules.StayFacts:
    """``start_rules.StayFacts`` of one stay on ``today``: the invitation letters and the screening, assignment and
    department-code state exactly as the case overview reads it (``stay_assignment``). 9 queries."""
    state = stay_assignment(stay, today)
    # the week-1 task the overview's ``week1_indicator`` judges: the first one a later decision has not superseded
    week1 = next((t for t in state.tasks if t.task.week1 and t.state != "superseded"), None)
    return rules.StayFacts(
        admission=stay.admission_date,
        discharge=stay.discharge_date,
        allocated_code=state.allocated_code,
        invitations=_invitations(stay),
        screenings=tuple(screening_rules.ResultFact(r.status, completed_on(r)) for r in current_results(state.results)),
        screening_due_day=state.due_day,
        decisions=tuple(rules.DecisionFact(d.pk, d.decision, d.decided_on) for d in state.decisions),
        checks=tuple(rules.CheckFact(c.pk, c.checked_on, c.clear) for c in state.checks),
        week1_task=week1.task if week1 else None,
        week1_corrected_on=week1.correction.corrected_on if week1 and week1.correction else None,
    )


def stay_results(stay, today: dt.date) -> dict[str, IndicatorResult]:
    """The indicators 1.1, 1.2, 1.4, 2.1, 2.3 and 2.5 of ``stay`` on ``today``, by measure key (9 queries)."""
    return rules.indicators(stay_facts(stay, today), today)


# --- facility measures -------------------------------------------------------------------------------------------


def positive_screening_share(facility, period, today: dt.date) -> FacilityResult:
    """Rec. 2.7 for ``facility`` and ``period`` (a ``compliance.periods.Period``): the quarterly report's facts
    (``screening.services.reports``) of the stays discharged in the period by ``today`` — the only ones the share
    counts (Q-1) — judged by ``start_rules.positive_screening_share``. Three queries; the stays read are the period's
    discharges, whatever the facility's history."""
    facts = discharged_stay_facts(facility, period.start, min(period.end, today))
    return rules.positive_screening_share(facts, period.start, period.end, period.label, today)


def quarterly_quota_report(facility, period, today: dt.date) -> FacilityResult:
    """Rec. 2.8 for ``facility`` and ``period``: the screening-quota reports of the quarters ending in the period
    (1 query; none when no quarter ends in it), judged by ``start_rules.quarterly_quota_report``."""
    quarters = rules.quarters_ending_in(period.start, period.end)
    reports = {}
    if quarters:
        wanted = Q()
        for year, quarter in quarters:
            wanted |= Q(year=year, quarter=quarter)
        rows = QuotaReport.objects.filter(wanted, facility=facility).values_list(
            "year", "quarter", "built_at", "shared_at"
        )
        reports = {
            (year, quarter): rules.ReportFact(
                year=year,
                quarter=quarter,
                built_on=timezone.localdate(built_at) if built_at else None,
                shared_on=timezone.localdate(shared_at) if shared_at else None,
            )
            for year, quarter, built_at, shared_at in rows
        }
    return rules.quarterly_quota_report(reports, period.start, period.end, period.label, today)


FACILITY_MEASURES = {
    "positive_screening_share": positive_screening_share,  # 2.7
    "quarterly_quota_report": quarterly_quota_report,  # 2.8
}
