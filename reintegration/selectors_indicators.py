"""The return-to-work indicators of a stay (8.2, 8.4, 8.6, 8.12, 8.13, 8.17) for the case overview and, later, the
compliance dashboard. The judgement is ``reintegration.indicators`` (pure); this module only gathers the facts, in a
constant number of queries however much is recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from patients.models import Document, DocumentKind, Stay, StayStatus
from reintegration import indicators as rules
from reintegration import sickleave
from reintegration.models import (
    DischargeLetter,
    RtwPlan,
    RtwStatus,
    SickLeavePeriod,
    TriggerExamination,
    TriggerOutcome,
    WorkSituation,
)
from screening.models import AssignmentDecision
from wmr.indicators import IndicatorResult

# What each indicator is called on the page, with its recommendation.
TITLES = {
    "bem_examined_after_6_weeks": ("8.2", _("BEM examined after more than six weeks of sick leave")),
    "graded_rtw_examined_after_3_months": ("8.4", _("Graded return examined after three months of sick leave")),
    "vocational_rehab_recommended_when_limited": ("8.6", _("Vocational rehabilitation recommended when limited")),
    "sociomedical_appraisal_when_limited": ("8.12", _("Detailed socio-medical appraisal when limited")),
    "rtw_plan_documented": ("8.13", _("Return-to-work plan agreed and documented")),
    "two_discharge_copies": ("8.17", _("Two copies of the discharge letter for the patient")),
}


def _decisions(stay: Stay) -> list[rules.DecisionFact]:
    rows = (
        AssignmentDecision.objects.filter(stay=stay)
        .order_by("decided_on", "id")
        .values_list("decision", "decided_on", "effective_from")
    )
    return [rules.DecisionFact(*row) for row in rows]


def _sick_leave(stay: Stay) -> sickleave.SickLeaveVerdict:
    """B-6: the verdict on the day before admission, with the contractual working days of the work situation."""
    periods = [
        sickleave.AbsenceFact(starts_on, ends_on, kind)
        for starts_on, ends_on, kind in SickLeavePeriod.objects.filter(stay=stay).values_list(
            "starts_on", "ends_on", "kind"
        )
    ]
    working_days = WorkSituation.objects.filter(stay=stay).values_list("working_days_per_week", flat=True).first()
    return sickleave.judge(
        periods,
        stay.admission_date - dt.timedelta(days=1),
        working_days_per_week=working_days or 5,
        grtw_min_days=settings.GRTW_EXAMINE_MIN_DAYS,
    )


def _examinations(stay: Stay) -> tuple[rules.ExaminationFact, ...]:
    rows = TriggerExamination.objects.filter(stay=stay).values_list("kind", "examined_on", "outcome")
    return tuple(
        rules.ExaminationFact(kind=kind, examined_on=on, outcome=str(TriggerOutcome(outcome).label))
        for kind, on, outcome in rows
    )


def _copies_of(letter_pk) -> Coalesce:
    """How many distinct patient's copies (8.17: copy 1 and copy 2) were stored of one letter version; the copy
    documents name the version in their facts (``letter_id``, ``copy``)."""
    copies = (
        Document.objects.filter(stay_id=OuterRef("stay_id"), kind=DocumentKind.DISCHARGE_LETTER_COPY)
        .annotate(letter_id=Cast(KeyTextTransform("letter_id", "facts"), IntegerField()))
        .filter(letter_id=letter_pk)
        .order_by()
        .values("stay_id")
        .annotate(n=Count(KeyTextTransform("copy", "facts"), distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(copies), 0)


def _letter(stay: Stay) -> rules.LetterFact | None:
    """The newest signed version (a corrected version supersedes it once signed) with its copies: one query."""
    row = (
        DischargeLetter.objects.filter(stay=stay, signed_on__isnull=False)
        .order_by("-version")
        .annotate(copies=_copies_of(OuterRef("pk")))
        .values(
            "signed_on",
            "ability_last_job",
            "ability_general_market",
            "appraisal_detail",
            "positive_profile",
            "negative_profile",
            "vocational_rehab_recommended",
            "copies_handed_over_on",
            "copies",
        )
        .first()
    )
    if row is None:
        return None
    return rules.LetterFact(
        signed_on=row["signed_on"],
        ability_last_job=row["ability_last_job"],
        ability_general_market=row["ability_general_market"],
        appraisal_detail=bool(row["appraisal_detail"].strip()),
        positive_profile=bool(row["positive_profile"].strip()),
        negative_profile=bool(row["negative_profile"].strip()),
        vocational_rehab_recommended=row["vocational_rehab_recommended"],
        copies=row["copies"],
        copies_handed_over_on=row["copies_handed_over_on"],
    )


def _rtw_plan(stay: Stay) -> tuple[dt.date | None, bool]:
    """(the day the first version was agreed, whether a draft exists): one aggregate query."""
    found = RtwPlan.objects.filter(stay=stay).aggregate(
        agreed=Min("agreed_on"), drafts=Count("id", filter=Q(status=RtwStatus.DRAFT))
    )
    return found["agreed"], bool(found["drafts"])


def stay_facts(stay: Stay, today: dt.date, *, sick_leave=None) -> rules.StayFacts:
    """``rules.StayFacts`` of one stay. Queries: 6 — assignment decisions, sick-leave periods, work situation,
    trigger examinations, the newest signed letter with its copies (a subquery), the return-to-work plan versions
    (an aggregate). Given the stay's ``selectors_sickleave.SickLeaveState`` (the case overview has it already), its
    verdict and examinations are used instead: 3 queries."""
    agreed_on, drafted = _rtw_plan(stay)
    if sick_leave is not None:
        verdict = sick_leave.verdict
        examinations = tuple(
            rules.ExaminationFact(kind=e.kind, examined_on=e.examined_on, outcome=str(e.get_outcome_display()))
            for e in sick_leave.examinations
        )
    else:
        verdict, examinations = _sick_leave(stay), _examinations(stay)
    return rules.StayFacts(
        admission=stay.admission_date,
        wmr=rules.wmr_applicability(_decisions(stay), today),
        discharged_on=stay.discharge_date if stay.status == StayStatus.DISCHARGED else None,
        sick_leave=verdict,
        examinations=examinations,
        letter=_letter(stay),
        rtw_plan_agreed_on=agreed_on,
        rtw_plan_drafted=drafted,
    )


@dataclass(frozen=True)
class IndicatorRow:
    key: str  # the measure key of wmr/data/recommendations.csv
    recommendation: str  # "8.2"
    title: str
    result: IndicatorResult


@dataclass(frozen=True)
class RtwIndicators:
    facts: rules.StayFacts
    rows: tuple[IndicatorRow, ...]

    @property
    def by_key(self) -> dict[str, IndicatorResult]:
        return {row.key: row.result for row in self.rows}


def stay_rtw_indicators(stay: Stay, today: dt.date, *, sick_leave=None) -> RtwIndicators:
    """The six return-to-work indicators of a stay on ``today``, in the order of the recommendations (6 queries, 3
    with the stay's sick-leave state given; see ``stay_facts``)."""
    facts = stay_facts(stay, today, sick_leave=sick_leave)
    rows = tuple(
        IndicatorRow(key, TITLES[key][0], str(TITLES[key][1]), result)
        for key, result in rules.indicators(facts, today).items()
    )
    return RtwIndicators(facts=facts, rows=rows)
