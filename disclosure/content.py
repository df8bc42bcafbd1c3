"""What each section of a package (and the patient's plan page) shows, read from the other apps.

``package_content(stay, sections, today)`` builds only the sections asked for: a section that is not in the list is
never read, so it cannot end up in the preview, the PDF or the API answer by accident. Each builder returns a plain
dict (``None`` fields when the record has nothing yet); the templates ``disclosure/sections/_<section>.html``
render it on the preview page and in the PDF alike.
"""

from __future__ import annotations

import datetime as dt

from disclosure.rules import Section, ordered
from patients.models import Stay


def _signed_letter(stay: Stay):
    from reintegration.models import DischargeLetter, LetterStatus

    return (
        DischargeLetter.objects.filter(stay=stay, status=LetterStatus.SIGNED)
        .order_by("-version")
        .select_related("signed_by")
        .first()
    )


def current_graded_plan(stay: Stay):
    """The newest version of the graded plan that is not replaced and has steps (None: nothing to show yet)."""
    from reintegration.models import GradedReturnPlan, PlanStatus

    return (
        GradedReturnPlan.objects.filter(stay=stay, steps__isnull=False)
        .exclude(status=PlanStatus.SUPERSEDED)
        .distinct()
        .order_by("-version")
        .first()
    )


def graded_plan(stay: Stay, today: dt.date) -> dict:
    """Dates, hours, activities and restrictions of each step (the employer copy's content, D-2)."""
    from reintegration import hamburg
    from reintegration.documents_plan import hours_text, step_rows
    from reintegration.services.plan import plan_input

    plan = current_graded_plan(stay)
    if plan is None:
        return {"plan": None}
    computed = hamburg.compute_plan(plan_input(plan))
    return {
        "plan": plan,
        "status": plan.get_status_display(),
        "starts_on": plan.starts_on,
        "computed": computed,
        "last_day": computed.last_day,
        "full_time_from": computed.full_time_from,
        "rows": step_rows(computed, list(plan.steps.order_by("position").values_list("pk", flat=True))),
        "total_hours": hours_text(computed.total_hours),
        "total_weeks": hours_text(computed.total_weeks),
        "contract_hours": hours_text(plan.hours_per_day),
    }


def _comparison(stay: Stay):
    """The newest computed comparison of the stay (discharge before admission) and its date."""
    from diagnostics.selectors_comparison import stay_comparisons

    comparisons = stay_comparisons(stay)
    for view in (comparisons.discharge, comparisons.admission):
        if view is not None and view.comparison is not None:
            return view
    return None


def capacity_summary(stay: Stay, today: dt.date) -> dict:
    """The work-related capacity in functional terms, never a diagnosis: from the signed discharge letter (ability
    for the last job and the general labour market, positive and negative capacity profile) when there is one,
    else the headline of the newest profile comparison (which demands exceed the capacity)."""
    from diagnostics.comparison import summary_text

    letter = _signed_letter(stay)
    if letter is not None:
        return {
            "source": "letter",
            "signed_on": letter.signed_on,
            "ability_last_job": letter.get_ability_last_job_display(),
            "ability_general_market": letter.get_ability_general_market_display(),
            "positive_profile": letter.positive_profile,
            "negative_profile": letter.negative_profile,
        }
    view = _comparison(stay)
    if view is not None:
        return {"source": "comparison", "rated_on": view.capacity.rated_on, "summary": summary_text(view.comparison)}
    return {"source": None}


def profile_comparison(stay: Stay, today: dt.date) -> dict:
    """The newest comparison of capacity and job demands: each dimension with capacity level, demand and status."""
    from diagnostics.comparison import summary_text

    view = _comparison(stay)
    if view is None:
        return {"comparison": None}
    comparison = view.comparison
    return {
        "comparison": comparison,
        "rated_on": view.capacity.rated_on,
        "timepoint": view.capacity.get_timepoint_display(),
        "summary": summary_text(comparison),
        "rows": [
            {
                "name": row.name(),
                "capacity": row.capacity_level,
                "demand": row.demand,
                "status": row.status.label,
            }
            for row in comparison.rows_by_number
        ],
    }


def goal_agreement(stay: Stay, today: dt.date) -> dict:
    """The version agreed with the patient now in force (a draft is never shown outside the team)."""
    from goals.models import AgreementStatus, GoalAgreement

    agreement = (
        GoalAgreement.objects.filter(stay=stay, status=AgreementStatus.AGREED)
        .prefetch_related("goals")
        .order_by("-version")
        .first()
    )
    if agreement is None:
        return {"agreement": None}
    return {"agreement": agreement, "goals": sorted(agreement.goals.all(), key=lambda g: (g.position, g.pk))}


def transfer_strategies(stay: Stay, today: dt.date) -> dict:
    """The strategies the patient wrote down in the workplace training (7.7, 7.8)."""
    from therapy.models import TransferStrategy

    strategies = list(TransferStrategy.objects.filter(plan__stay=stay).order_by("written_on", "id"))
    return {"strategies": strategies}


def rtw_plan(stay: Stay, today: dt.date) -> dict:
    """The newest return-to-work plan agreed with the patient: integration goal and the steps after the WMR."""
    from reintegration.models import RtwPlan, RtwStatus

    plan = RtwPlan.objects.filter(stay=stay, status=RtwStatus.AGREED).order_by("-version").first()
    if plan is None:
        return {"plan": None}
    return {"plan": plan, "steps": list(plan.steps.order_by("position"))}


def discharge_letter_work(stay: Stay, today: dt.date) -> dict:
    """The work-related part of the signed discharge letter: appraisal, vocational rehabilitation, recommendations."""
    letter = _signed_letter(stay)
    if letter is None:
        return {"letter": None}
    return {
        "letter": letter,
        "ability_last_job": letter.get_ability_last_job_display(),
        "ability_general_market": letter.get_ability_general_market_display(),
        "appraisal_detail": letter.appraisal_detail,
        "vocational_rehab_recommended": letter.vocational_rehab_recommended,
        "recommendations": letter.recommendations,
    }


def diagnoses(stay: Stay, today: dt.date) -> dict:
    """The diagnoses of the signed discharge letter."""
    letter = _signed_letter(stay)
    if letter is None:
        return {"letter": None, "items": []}
    items = [item for item in letter.diagnoses if isinstance(item, dict)]
    return {"letter": letter, "items": items}


BUILDERS = {
    Section.GRADED_PLAN: graded_plan,
    Section.CAPACITY_SUMMARY: capacity_summary,
    Section.RTW_PLAN: rtw_plan,
    Section.GOAL_AGREEMENT: goal_agreement,
    Section.TRANSFER_STRATEGIES: transfer_strategies,
    Section.PROFILE_COMPARISON: profile_comparison,
    Section.DISCHARGE_LETTER_WORK: discharge_letter_work,
    Section.DIAGNOSES: diagnoses,
}


def package_content(stay: Stay, sections, today: dt.date) -> list[dict]:
    """The sections asked for, in the package's order: ``[{"key", "label", "template", "data"}, …]``."""
    return section_content(stay, ordered(sections), today)


def section_content(stay: Stay, sections, today: dt.date) -> list[dict]:
    """The sections in the order given (the patient's page puts the goals first)."""
    return [
        {
            "key": section,
            "label": Section(section).label,
            "template": f"disclosure/sections/_{section}.html",
            "data": BUILDERS[section](stay, today),
        }
        for section in sections
    ]


# The patient's own plan (the plan link): goal agreement, transfer strategies and graded step plan.
PATIENT_PLAN_SECTIONS = (Section.GOAL_AGREEMENT, Section.TRANSFER_STRATEGIES, Section.GRADED_PLAN)
