"""Reads of the goals app, shaped for the pages that show them (constant queries in the number of goals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from goals import rules
from goals.models import AgreementStatus, Goal, GoalAgreement, GoalOutcome, GoalReview, Occasion
from patients.models import Document, Stay

COPY_KIND = "goal_agreement_copy"


def agreement_copies(agreement: GoalAgreement) -> QuerySet[Document]:
    """The stored patient's copies of one version, newest first (the bytes are not loaded)."""
    return (
        Document.objects.filter(stay_id=agreement.stay_id, kind=COPY_KIND, facts__agreement_id=agreement.pk)
        .select_related("created_by")
        .defer("content")
    )


def stay_copies(stay: Stay) -> QuerySet[Document]:
    """Every stored patient's copy of the stay's goal agreement, newest first (the bytes are not loaded)."""
    return Document.objects.filter(stay=stay, kind=COPY_KIND).select_related("created_by").defer("content")


def _goals() -> QuerySet[Goal]:
    """Goals in order, each annotated with ``reviewed``: a review of its version has recorded its outcome."""
    return Goal.objects.annotate(reviewed=Exists(GoalOutcome.objects.filter(goal=OuterRef("pk")))).order_by(
        "position", "id"
    )


def stay_agreements(stay: Stay, *, with_outcomes: bool = False) -> QuerySet[GoalAgreement]:
    """All versions of the stay's goal agreement, newest first, with their goals and reviews.

    Queries: agreements (with authors), goals (with "reviewed"), reviews (with reviewer and new version); with
    outcomes one more."""
    reviews = GoalReview.objects.select_related("created_by", "new_version")
    if with_outcomes:
        reviews = reviews.prefetch_related(
            Prefetch("outcomes", queryset=GoalOutcome.objects.order_by("goal__position", "id"))
        )
    return (
        GoalAgreement.objects.filter(stay=stay)
        .select_related("previous", "created_by", "copy_handed_over_by")
        .prefetch_related(Prefetch("goals", queryset=_goals()), Prefetch("reviews", queryset=reviews))
        .order_by("-version")
    )


@dataclass
class GoalsState:
    """What the case overview and the agreement page show of a stay's goal agreement."""

    versions: list[GoalAgreement]  # newest first
    current: GoalAgreement | None  # the newest version (a draft waiting to be agreed, or the agreed one)
    agreed: GoalAgreement | None  # the version agreed with the patient now in force
    draft: GoalAgreement | None
    goals: list[Goal]  # of ``current``
    first_week_due: dt.date
    first_week_state: str  # met / late / open / overdue (rec 3.4)
    written_on: dt.date | None  # of the first version
    copy_handed_over: bool  # of the agreed version (rec 3.9)
    reviews: list[GoalReview] = field(default_factory=list)  # all versions, oldest first
    reviewed_after_diagnostics: GoalReview | None = None  # rec 3.6
    reviewed_at_discharge: GoalReview | None = None
    next_review_on: dt.date | None = None  # earliest review date of agreed goals not reviewed yet
    next_review_state: str = "none"  # none / upcoming / due / overdue
    discharge_review_state: str = "none"  # done / upcoming / due / overdue / none

    @property
    def agreed_goals(self) -> list[Goal]:
        return list(self.agreed.goals.all()) if self.agreed else []


def _latest(reviews: list[GoalReview], occasion: str) -> GoalReview | None:
    matching = [r for r in reviews if r.occasion == occasion]
    return matching[-1] if matching else None


def goals_state(stay: Stay, today: dt.date, versions: list[GoalAgreement]) -> GoalsState:
    """The state from ``versions`` (as ``stay_agreements`` returns them); no further queries."""
    current = versions[0] if versions else None
    agreed = next((v for v in versions if v.status == AgreementStatus.AGREED), None)
    draft = next((v for v in versions if v.status == AgreementStatus.DRAFT), None)
    first = next((v for v in reversed(versions) if v.goals.all()), None)
    written_on = first.written_on if first else None
    reviews = sorted((r for v in versions for r in v.reviews.all()), key=lambda r: (r.reviewed_on, r.pk))
    pending = [g.review_on for g in (agreed.goals.all() if agreed else []) if not g.reviewed]
    next_on = rules.next_review_on(pending)
    at_discharge = _latest(reviews, Occasion.DISCHARGE)
    if at_discharge is not None:
        discharge_state = "done"
    else:
        discharge_state = rules.date_state(stay.discharge_date if agreed else None, today)
    return GoalsState(
        versions=versions,
        current=current,
        agreed=agreed,
        draft=draft,
        goals=list(current.goals.all()) if current else [],
        first_week_due=rules.first_week_due(stay.admission_date),
        first_week_state=rules.first_week_state(written_on, stay.admission_date, today),
        written_on=written_on,
        copy_handed_over=bool(agreed and agreed.copy_handed_over_on),
        reviews=reviews,
        reviewed_after_diagnostics=_latest(reviews, Occasion.AFTER_DIAGNOSTICS),
        reviewed_at_discharge=at_discharge,
        next_review_on=next_on,
        next_review_state=rules.date_state(next_on, today),
        discharge_review_state=discharge_state,
    )


def stay_goals_state(stay: Stay, today: dt.date) -> GoalsState:
    """What the case overview shows of a stay's goal agreement, in three queries whatever the number of goals or
    versions: agreements, goals (with "reviewed"), reviews."""
    return goals_state(stay, today, list(stay_agreements(stay)))


def stay_goals_history(stay: Stay) -> list:
    """Every recorded state of the stay's agreement versions and goals (simple-history), newest first, with what
    changed: edits of a draft stay readable too. Two queries."""
    from patients.history import history_entries

    related = [
        (GoalAgreement.history.filter(stay_id=stay.pk), str(GoalAgreement._meta.verbose_name)),
        (Goal.history.filter(agreement__stay_id=stay.pk), str(Goal._meta.verbose_name)),
    ]
    entries = [
        entry
        for qs, label in related
        for entry in history_entries(
            qs.select_related("history_user").order_by("id", "history_date", "history_id"), label
        )
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)
