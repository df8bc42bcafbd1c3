"""Reads of the compliance app: the facility dashboard and the drill-down, aggregated in SQL over ``StayIndicator``.

``facility_dashboard(*, facility, period, filters, today) -> Dashboard`` costs the same number of queries whatever the
number of stays (``tests/compliance/test_query_budget.py``):

1. the facility's thresholds (``ComplianceSettings``) with the cache's fingerprint (newest stored result);
   2–6 and 2.7 below come from Django's cache (``compliance.dashboard_cache``): fresh while no result of the facility
   changed, else the previous figures marked "being updated" while ``compliance.tasks.rebuild_dashboard`` (queue
   ``reports``) rebuilds them; computed in the request only when nothing is cached;
2. the rates: one aggregate over the period's ``StayIndicator`` rows grouped by measure, the states counted with
   ``Count(filter=Q(state=...))``;
3. the four-quarter trend: the same grouped by measure, year and quarter (``ExtractYear``/``ExtractQuarter`` on
   ``period_date``);
4. the stays in the period (distinct; and those counted by their discharge, the base of topics and workflows);
5. topics covered: the held, attended sessions' topic lists of those stays (one grouped query);
6. workflows: one aggregate over those stays with an ``EXISTS`` per workflow record;
7. this year's self-assessment answers;
8. the facility measures (2.7, 2.8, 9.12) through ``registry.facility_measures()``, each a few queries for the period
   and each of the trend's quarters, constant in the number of stays.

``drilldown(*, facility, measure, period, filters) -> QuerySet[StayIndicator]``: the stays that miss the measure
(state ``not_met``) with ``stay__patient`` selected, ordered by period date and stay number.

Filters narrow in SQL on the copied columns (department code, WMR) and, for a team, on a care-team subquery.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import translation

from compliance import dashboard_cache, registry, rules
from compliance.catalogue import SECTIONS, Recommendation, recommendations
from compliance.models import ComplianceSettings, SelfAssessment, StayIndicator
from compliance.periods import Period, PeriodInvalid, parse_period, previous_quarters
from patients.models import CareTeamMembership, ContactEvent, ContactKind, Stay
from reintegration import checklists
from reintegration.models import (
    ChecklistEntry,
    ChecklistState,
    ConsentState,
    GradedReturnPlan,
    PlanConsent,
    PlanParty,
    RtwPlan,
)
from therapy.models import Attendance, SessionStatus
from wmr.indicators import IndicatorState

TREND_QUARTERS = 4


@dataclass(frozen=True)
class Filters:
    department: str | None = None  # "3100" / "3197"
    wmr: bool | None = None  # WMR yes / no / both
    team_user_id: int | None = None  # stays whose care team includes this user


@dataclass(frozen=True)
class Rate:
    """Stays of the period for one measure: ``numerator`` met of ``denominator`` (met + not met); not-yet-due and
    not-applicable stays are counted apart and never in the rate. ``rate`` None = no data (never 0 %)."""

    numerator: int = 0
    denominator: int = 0
    not_yet_due: int = 0
    not_applicable: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(100) * self.numerator / self.denominator).quantize(Decimal("0.1"))

    @property
    def missing(self) -> int:
        return self.denominator - self.numerator


@dataclass
class IndicatorRow:
    recommendation: Recommendation
    rate: Rate
    light: str  # "green" / "amber" / "red" / "none" (no data)
    trend: list[tuple[Period, Decimal | None]] = field(default_factory=list)  # last four quarters, oldest first
    facility_level: bool = False  # 2.7, 2.8, 9.12
    reason: str = ""  # facility-level: the reason in words
    target_percent: int | None = None  # the bar where the recommendation names one (2.7: 75)


@dataclass
class SectionBlock:
    section: str  # "preparation", "screening", … (the csv's section key)
    label: str  # translated
    indicators: list[IndicatorRow] = field(default_factory=list)
    topics: list[tuple[Recommendation, int]] = field(default_factory=list)  # topic rows and stays that covered them
    workflows: list[tuple[Recommendation, int | None]] = field(default_factory=list)  # rows and stays with a record
    self_assessment: list[tuple[Recommendation, str | None]] = field(
        default_factory=list
    )  # rows and this year's answer


@dataclass
class Dashboard:
    facility: object
    period: Period
    filters: Filters
    today: dt.date
    stays: int  # stays in the period (after filters)
    sections: list[SectionBlock] = field(default_factory=list)
    positive_screening: IndicatorRow | None = None  # 2.7 against its 75 % bar
    thresholds: dict = field(default_factory=dict)  # {"shall": 90, "should": 75, "may": 50}
    outcome_stays: int = 0  # stays counted in the period by their discharge: the base of topics and workflows
    as_of: dt.datetime | None = None  # when the aggregates over stays were computed (cached: possibly a while ago)
    updating: bool = False  # stays changed since ``as_of``: the figures shown are the previous ones, being rebuilt


def thresholds_for(facility) -> rules.Thresholds:
    """The facility's traffic-light thresholds (``ComplianceSettings``), the defaults where none are set. 1 query."""
    return rules.thresholds_from(ComplianceSettings.objects.filter(facility=facility).first())


# --- the rows of StayIndicator a dashboard reads -----------------------------------------------------------------


def _results(facility, filters: Filters) -> QuerySet[StayIndicator]:
    """The facility's results narrowed by the filters (no query yet)."""
    rows = StayIndicator.objects.filter(facility=facility)
    if filters.department:
        rows = rows.filter(department_code=filters.department)
    if filters.wmr is not None:
        rows = rows.filter(is_wmr=filters.wmr)
    if filters.team_user_id is not None:
        rows = rows.filter(
            stay_id__in=CareTeamMembership.objects.filter(user_id=filters.team_user_id).values("stay_id")
        )
    return rows.order_by()


def _in(rows: QuerySet[StayIndicator], start: dt.date, end: dt.date) -> QuerySet[StayIndicator]:
    return rows.filter(period_date__gte=start, period_date__lte=end)


def _state_counts() -> dict:
    return {
        "met": Count("id", filter=Q(state=IndicatorState.MET)),
        "not_met": Count("id", filter=Q(state=IndicatorState.NOT_MET)),
        "not_yet_due": Count("id", filter=Q(state=IndicatorState.NOT_YET_DUE)),
        "not_applicable": Count("id", filter=Q(state=IndicatorState.NOT_APPLICABLE)),
    }


def _rate(row: dict) -> Rate:
    return Rate(
        numerator=row["met"],
        denominator=row["met"] + row["not_met"],
        not_yet_due=row["not_yet_due"],
        not_applicable=row["not_applicable"],
    )


def stay_rates(rows: QuerySet[StayIndicator], period: Period) -> dict[str, Rate]:
    """Per measure: met of met + not met, with not-yet-due and not-applicable apart. One query."""
    found = _in(rows, period.start, period.end).values("measure").annotate(**_state_counts())
    return {row["measure"]: _rate(row) for row in found}


def stay_trend(rows: QuerySet[StayIndicator], quarters: list[Period]) -> dict[str, dict[tuple[int, int], Rate]]:
    """Per measure and (year, quarter): the rate, the quarter computed in SQL. One query."""
    found = (
        _in(rows, quarters[0].start, quarters[-1].end)
        .annotate(year=ExtractYear("period_date"), quarter=ExtractQuarter("period_date"))
        .values("measure", "year", "quarter")
        .annotate(**_state_counts())
    )
    trend: dict[str, dict[tuple[int, int], Rate]] = defaultdict(dict)
    for row in found:
        trend[row["measure"]][(row["year"], row["quarter"])] = _rate(row)
    return trend


def _period_stays(rows: QuerySet[StayIndicator], period: Period) -> QuerySet:
    """The stays counted in the period by their discharge (planned discharge while they run), as a subquery."""
    measures = registry.measures_of_basis(registry.DISCHARGE)
    return _in(rows, period.start, period.end).filter(measure__in=measures).values("stay_id")


def stay_counts(rows: QuerySet[StayIndicator], period: Period) -> tuple[int, int]:
    """(stays with any result in the period, stays counted in it by their discharge). One query."""
    found = _in(rows, period.start, period.end).aggregate(
        stays=Count("stay", distinct=True),
        outcome=Count("stay", distinct=True, filter=Q(measure__in=registry.measures_of_basis(registry.DISCHARGE))),
    )
    return found["stays"], found["outcome"]


def topics_covered(stays: QuerySet) -> dict[str, int]:
    """Per topic code: the stays with at least one counted session (held, attended) covering it. One query over the
    distinct (stay, topic list) pairs; the codes are unpacked here because the list is a JSON column."""
    pairs = (
        Attendance.objects.filter(stay_id__in=Subquery(stays), present=True, session__status=SessionStatus.HELD)
        .order_by()
        .values_list("stay_id", "session__topics")
        .distinct()
    )
    covered: dict[str, set[int]] = defaultdict(set)
    for stay_id, topics in pairs:
        for code in topics or ():
            covered[code].add(stay_id)
    return {code: len(ids) for code, ids in covered.items()}


def _checklist_done(item: str) -> Q:
    """The stay's latest entry for the checklist item is "done" (entries are append-only: the latest counts): a
    "done" entry with no later entry for the item."""
    later = ChecklistEntry.objects.filter(stay_id=OuterRef("stay_id"), item=item).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), id__gt=OuterRef("id"))
    )
    done = ChecklistEntry.objects.filter(stay_id=OuterRef("pk"), item=item, state=ChecklistState.DONE)
    return Q(Exists(done.filter(~Exists(later))))


def workflow_records() -> dict[str, Q]:
    """The workflow rows for which the app keeps a record, as a condition on a ``Stay`` (the others: no record kept
    in the app). Rec → condition:

    - 8.14: an agreed return-to-work plan version with its steps after WMR;
    - 8.5: a graded return-to-work plan recording the counseling on its content, course and finances;
    - 10.5: a contact event with the employer;
    - 10.6: the occupational physician's consent or involvement on the graded plan;
    - 8.1, 8.7–8.11, 8.15, 8.16, 10.3, 10.4: the checklist item's latest entry is "done"
      (``reintegration.checklists.ITEMS``; 8.6 is an indicator row).
    """
    conditions = {
        "8.14": Q(Exists(RtwPlan.objects.filter(stay_id=OuterRef("pk"), agreed_on__isnull=False, steps__isnull=False))),
        "8.5": Q(Exists(GradedReturnPlan.objects.filter(stay_id=OuterRef("pk"), counseled_on__isnull=False))),
        "10.5": Q(
            Exists(ContactEvent.objects.filter(contact__stay_id=OuterRef("pk"), contact__kind=ContactKind.EMPLOYER))
        ),
        "10.6": Q(
            Exists(
                PlanConsent.objects.filter(
                    plan__stay_id=OuterRef("pk"),
                    party=PlanParty.OCCUPATIONAL_PHYSICIAN,
                    state__in=[ConsentState.GIVEN, ConsentState.INVOLVED],
                )
            )
        ),
    }
    kinds = {rec.id: rec.kind for rec in recommendations()}
    for item in checklists.ITEMS:
        if kinds.get(item.rec) == "workflow":
            conditions[item.rec] = _checklist_done(item.key)
    return conditions


def workflows_recorded(stays: QuerySet) -> dict[str, int]:
    """Per workflow rec id with a record in the app: the period's stays that have it. One aggregate query."""
    conditions = workflow_records()
    found = Stay.objects.filter(pk__in=Subquery(stays)).aggregate(
        **{_alias(rec): Count("pk", filter=condition) for rec, condition in conditions.items()}
    )
    return {rec: found[_alias(rec)] or 0 for rec in conditions}


def _alias(rec: str) -> str:
    return "w_" + rec.replace(".", "_")


def self_assessment_answers(facility, year: int) -> dict[str, str]:
    """The facility's answers of ``year`` by recommendation id. One query."""
    return dict(
        SelfAssessment.objects.filter(facility=facility, year=year).values_list("recommendation", "answer").order_by()
    )


# --- the dashboard ---------------------------------------------------------------------------------------------------


# The facility measures whose inputs change only with a write to a stay (2.7: screenings, decisions, discharge dates):
# cached with the stay aggregates. The others (2.8 quarterly reports, 9.12 conferences) are a few queries, read live.
CACHED_FACILITY_MEASURES = frozenset({"positive_screening_share"})


def _facility_results(fn, facility, period: Period, quarters: list[Period], today) -> dict[str, object]:
    """A facility-level indicator's results by period code: the period's and each trend quarter's (the period's own
    result where the period is that quarter)."""
    results = {period.code: fn(facility, period, today)}
    for quarter in quarters:
        if quarter.code not in results:
            results[quarter.code] = fn(facility, quarter, today)
    return results


def _facility_row(
    rec: Recommendation, results: dict, period: Period, quarters: list[Period], thresholds
) -> IndicatorRow:
    """A facility-level indicator: the period's result, its trend, the light against the recommendation's own bar
    where it names one."""
    result = results[period.code]
    trend = [(q, results[q.code].rate) for q in quarters]
    rate = Rate(numerator=result.numerator, denominator=result.denominator)
    return IndicatorRow(
        recommendation=rec,
        rate=rate,
        light=rules.light(rec.grade, rate.rate, thresholds, bar=result.target_percent),
        trend=trend,
        facility_level=True,
        reason=result.reason,
        target_percent=result.target_percent,
    )


@dataclass
class StayFigures:
    """The dashboard's figures that are aggregates over the facility's stays (cached, ``dashboard_cache``)."""

    rates: dict
    trend: dict
    stays: int
    outcome_stays: int
    topics: dict
    workflows: dict
    facility_results: dict  # measure → period code → FacilityResult, for CACHED_FACILITY_MEASURES


def stay_figures(*, facility, period: Period, filters: Filters, today: dt.date) -> StayFigures:
    """The aggregates over the period's stays, computed (a constant number of queries, module docstring)."""
    rows = _results(facility, filters)
    quarters = previous_quarters(period, TREND_QUARTERS)
    stays, outcome_stays = stay_counts(rows, period)
    period_stays = _period_stays(rows, period)
    facility_fns = registry.facility_measures()
    return StayFigures(
        rates=stay_rates(rows, period),
        trend=dict(stay_trend(rows, quarters)),
        stays=stays,
        outcome_stays=outcome_stays,
        topics=topics_covered(period_stays),
        workflows=workflows_recorded(period_stays),
        facility_results={
            measure: _facility_results(facility_fns[measure], facility, period, quarters, today)
            for measure in sorted(CACHED_FACILITY_MEASURES & set(facility_fns))
        },
    )


def thresholds_and_fingerprint(facility) -> tuple[rules.Thresholds, tuple]:
    """The facility's thresholds (as ``thresholds_for``) and what changes whenever its stored results change by any
    path (a refresh, the nightly job, a bulk load that bypasses ``refresh_stay``): the newest ``computed_at`` of the
    facility's rows and its newest row id. One query: the settings joined, the two as index lookups
    (``stay_indicator_computed`` and ``stay_indicator_facility_id``). Only the facility's own rows: a write in
    another clinic leaves this one's figures fresh."""
    mine = StayIndicator.objects.filter(facility=OuterRef("pk"))
    newest = mine.order_by("-computed_at").values("computed_at")[:1]
    last_id = mine.order_by("-pk").values("pk")[:1]
    found = (
        type(facility)
        .objects.select_related("compliance_settings")
        .annotate(newest_result=Subquery(newest), last_result=Subquery(last_id))
        .get(pk=facility.pk)
    )
    try:
        settings = found.compliance_settings
    except ComplianceSettings.DoesNotExist:
        settings = None
    return rules.thresholds_from(settings), (str(found.newest_result), str(found.last_result))


def _cache_parts(period: Period, filters: Filters) -> tuple:
    return (period.code, filters.department, filters.wmr, filters.team_user_id)


def cached_stay_figures(
    *, facility, period: Period, filters: Filters, today: dt.date, fingerprint: tuple = ()
) -> dashboard_cache.Served:
    """``stay_figures`` from the cache (``dashboard_cache.read``): fresh while the facility's results did not change,
    else the previous figures marked stale while ``compliance.tasks.rebuild_dashboard`` rebuilds them; computed in
    the request only when nothing is cached."""
    return dashboard_cache.read(
        facility.pk,
        _cache_parts(period, filters),
        fingerprint=fingerprint,
        today=today,
        build=lambda: stay_figures(facility=facility, period=period, filters=filters, today=today),
    )


def rebuild_cached_figures(facility, *, today: dt.date) -> int:
    """Recompute the facility's cached figures for every combination (language, period, filters) read recently
    whose entry is not fresh (``dashboard_cache.remembered``); the background half of ``cached_stay_figures``.
    Returns the number of entries built."""
    dashboard_cache.rebuild_started(facility.pk)
    current = dashboard_cache.version(facility.pk)  # before the rows are read: a write meanwhile leaves them stale
    _thresholds, fingerprint = thresholds_and_fingerprint(facility)
    built = 0
    for full in dashboard_cache.remembered(facility.pk):
        language, period_code, department, wmr, team_user_id = full
        found = dashboard_cache.entry(facility.pk, full)
        if found is not None and dashboard_cache.is_fresh(found, current=current, fingerprint=fingerprint, today=today):
            continue
        try:
            period = parse_period(period_code)
        except PeriodInvalid:
            continue
        filters = Filters(department=department, wmr=wmr, team_user_id=team_user_id)
        with translation.override(language):
            value = stay_figures(facility=facility, period=period, filters=filters, today=today)
        dashboard_cache.store(facility.pk, full, current=current, fingerprint=fingerprint, today=today, value=value)
        built += 1
    return built


def facility_dashboard(*, facility, period: Period, filters: Filters, today: dt.date) -> Dashboard:
    """The facility's dashboard for ``period``: per catalogue section its indicators (rate, four-quarter trend,
    light), topics covered, workflow records and this year's self-assessment answers. Constant number of queries
    (module docstring); the aggregates over stays come from the cache when no stay of the facility changed since."""
    thresholds, fingerprint = thresholds_and_fingerprint(facility)
    quarters = previous_quarters(period, TREND_QUARTERS)
    served = cached_stay_figures(
        facility=facility, period=period, filters=filters, today=today, fingerprint=fingerprint
    )
    figures = served.value
    rates, trend, topics, workflows = figures.rates, figures.trend, figures.topics, figures.workflows
    answers = self_assessment_answers(facility, period.year)
    facility_fns = registry.facility_measures()

    blocks = {key: SectionBlock(section=key, label=str(label)) for key, label in SECTIONS.items()}
    positive_screening = None
    for rec in recommendations():
        block = blocks.setdefault(rec.section, SectionBlock(section=rec.section, label=rec.section))
        if rec.kind == "indicator" and rec.measure in facility_fns:
            results = figures.facility_results.get(rec.measure) or _facility_results(
                facility_fns[rec.measure], facility, period, quarters, today
            )
            row = _facility_row(rec, results, period, quarters, thresholds)
            block.indicators.append(row)
            if rec.measure == "positive_screening_share":
                positive_screening = row
        elif rec.kind == "indicator":
            rate = rates.get(rec.measure, Rate())
            by_quarter = trend.get(rec.measure, {})
            block.indicators.append(
                IndicatorRow(
                    recommendation=rec,
                    rate=rate,
                    light=rules.light(rec.grade, rate.rate, thresholds),
                    trend=[(q, by_quarter.get(q.year_quarter, Rate()).rate) for q in quarters],
                )
            )
        elif rec.kind == "topic":
            block.topics.append((rec, topics.get(rec.measure, 0)))
        elif rec.kind == "workflow":
            block.workflows.append((rec, workflows.get(rec.id)))
        elif rec.kind == "self_assessment":
            block.self_assessment.append((rec, answers.get(rec.id)))
    return Dashboard(
        facility=facility,
        period=period,
        filters=filters,
        today=today,
        stays=figures.stays,
        sections=[
            block
            for block in blocks.values()
            if block.indicators or block.topics or block.workflows or block.self_assessment
        ],
        positive_screening=positive_screening,
        thresholds=thresholds.as_dict(),
        outcome_stays=figures.outcome_stays,
        as_of=served.built_at,
        updating=served.stale,
    )


def drilldown(*, facility, measure: str, period: Period, filters: Filters) -> QuerySet[StayIndicator]:
    """The stays of the period that miss ``measure`` (state ``not_met``), with stay and patient selected, ordered by
    period date and stay number. The view pseudonymises them for readers who are not on the stay's care team."""
    return (
        _in(_results(facility, filters), period.start, period.end)
        .filter(measure=measure, state=IndicatorState.NOT_MET)
        .select_related("stay__patient")
        .order_by("period_date", "stay__number", "pk")
    )
