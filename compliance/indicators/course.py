"""The course indicators of a stay — goals 3.3, 3.4, 3.6, 3.7, 3.9 and diagnostics 4.1, 4.7, 4.10 — and the facility
measure 9.12 (weekly case conference), for the registry (``compliance/registry.py``).

The judgement is ``compliance.indicators.course_rules`` (pure); this module only gathers the facts through the
selectors of screening, goals and diagnostics, in a constant number of queries however much is recorded. It reads,
never writes.
"""

from __future__ import annotations

import datetime as dt

from compliance.indicators import course_rules as rules
from compliance.registry import ADMISSION, DISCHARGE, FacilityResult
from diagnostics.selectors import session_facts, stay_sessions
from diagnostics.selectors_comparison import stay_comparisons
from diagnostics.selectors_conference import facility_weekly_conferences, stay_conference_state
from goals.models import Occasion
from goals.selectors import stay_goals_state
from patients.models import Stay, StayStatus
from screening.models import AssignmentDecision, MotivationRecord
from wmr.indicators import IndicatorResult

# Which date places a stay in a period (ARCHITECTURE: admission for what belongs to the start of the stay, discharge
# for outcomes).
STAY_BASIS: dict[str, str] = {
    # Admission: the motivation before the assignment decision (3.3), the goals of the first week (3.4) and the goal
    # agreement written from them (3.7) are the start of the stay, in the admission quarter with the screening and
    # assignment indicators (section 2) they follow from.
    "motivation_clarified_before_assignment": ADMISSION,
    "work_goals_at_start": ADMISSION,
    "goal_agreement_written": ADMISSION,
    # Discharge: these follow the course of the stay and get their final verdict only later — the review after the
    # diagnostics (3.6), the copy (3.9), the comparison (4.7) and the conference (4.10) can be put right until
    # discharge, and 4.1 is reported with them so that section 4 of a quarter describes one cohort of finished stays.
    "goals_reviewed_after_diagnostics": DISCHARGE,
    "goal_agreement_copy_handed_over": DISCHARGE,
    "diagnostics_90min_multiprofessional": DISCHARGE,
    "profile_comparison_done": DISCHARGE,
    "team_conference_on_profiles": DISCHARGE,
}


def _decisions(stay: Stay) -> tuple[rules.DecisionFact, ...]:
    rows = (
        AssignmentDecision.objects.filter(stay=stay)
        .order_by("decided_on", "id")
        .values_list("decision", "decided_on", "effective_from")
    )
    return tuple(rules.DecisionFact(*row) for row in rows)


def _comparison(stay: Stay) -> tuple[dt.date | None, str]:
    """(the day capacity and job demands could first be compared, why they cannot be compared).

    A comparison counts when both profiles have ratings and are comparable — the condition under which the
    conference selector sees a comparison ready (``stay_conference_state``). The admission comparison first (the
    diagnostics at the start), else the discharge comparison."""
    comparisons = stay_comparisons(stay)
    refused = ""
    for view in (comparisons.admission, comparisons.discharge):
        if view is None:
            continue
        if view.comparison is None:
            refused = refused or view.refused
        elif view.capacity_ratings and view.demand_ratings:
            return max(view.capacity.rated_on, view.demand.rated_on), ""
    return None, str(refused)


def course_facts(stay: Stay, today: dt.date) -> rules.CourseFacts:
    """``course_rules.CourseFacts`` of one stay on ``today``. Queries: 15 — assignment decisions, motivation records
    (screening); agreement versions, goals, reviews (``goals.selectors.stay_goals_state``); diagnostic sessions;
    the comparison's profiles and ratings (``stay_comparisons``, 2); the conference state
    (``stay_conference_state``, 6); the participants of the conference where the stay was last discussed."""
    decisions = _decisions(stay)
    motivations = tuple(MotivationRecord.objects.filter(stay=stay).values_list("recorded_on", flat=True))
    goals = stay_goals_state(stay, today)
    ready_on, refused = _comparison(stay)
    conference = stay_conference_state(stay, today)
    professions: tuple[str, ...] = ()
    if conference.latest is not None:
        professions = tuple(conference.latest.case.conference.participants.values_list("profession", flat=True))
    return rules.CourseFacts(
        admission=stay.admission_date,
        wmr=rules.wmr_applicability(decisions, today),
        discharged_on=stay.discharge_date if stay.status == StayStatus.DISCHARGED else None,
        decisions=decisions,
        motivations_on=motivations,
        goals_written_on=goals.written_on,
        agreed_versions=tuple(
            rules.AgreedVersion(v.version, v.agreed_on, v.copy_handed_over_on)
            for v in goals.versions
            if v.agreed_on is not None
        ),
        reviews_after_diagnostics=tuple(
            r.reviewed_on for r in goals.reviews if r.occasion == Occasion.AFTER_DIAGNOSTICS
        ),
        diagnostic_sessions=tuple(session_facts(stay_sessions(stay))),
        comparison_ready_on=ready_on,
        comparison_refused=refused,
        conference=conference.due,
        conference_professions=professions,
    )


def stay_results(stay: Stay, today: dt.date) -> dict[str, IndicatorResult]:
    """The eight course indicators of ``stay`` on ``today``, by measure key (15 queries, see ``course_facts``)."""
    return rules.indicators(course_facts(stay, today), today)


def weekly_case_conference(facility, period, today: dt.date) -> FacilityResult:
    """Rec 9.12 for ``facility`` over ``period`` (``period.start``/``.end``): weeks with an interprofessional case
    conference of the weeks of the period that are over (or met already) by ``today``; a week belongs to the period
    holding its Thursday (``course_rules.period_weeks``). One query (``facility_weekly_conferences``), none before
    the period has begun."""
    span = rules.period_weeks(period.start, period.end, today)
    if span is None:
        return rules.weekly_case_conference_result([])
    first, until = span
    return rules.weekly_case_conference_result(facility_weekly_conferences(facility, start=first, end=until))


FACILITY_MEASURES = {"weekly_case_conference": weekly_case_conference}
