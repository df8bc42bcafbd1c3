"""Reads of the workplace training (recommendations 7.2–7.8), shaped for the training page, the patient's PDF and the
case overview: a fixed number of queries however many sub-goals, situations and strategies a plan has."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from diagnostics.comparison import summary_text
from diagnostics.selectors_comparison import stay_comparisons
from patients.history import HistoryEntry
from patients.models import Document, Stay
from therapy import rules_training as rules
from therapy.models import SubGoalResult, TrainingPlan, TrainingSubGoal, TransferStrategy, WorkSituation

# Document.kind of the patient's PDF of the transfer strategies (7.8)
TRANSFER_STRATEGIES = "transfer_strategies"


@dataclass
class TrainingState:
    """What the pages show of a stay's workplace training. ``plan`` is None while none was started."""

    plan: TrainingPlan | None
    subgoals: list[TrainingSubGoal] = field(default_factory=list)
    situations: list[WorkSituation] = field(default_factory=list)
    strategies: list[TransferStrategy] = field(default_factory=list)
    counts: rules.SubGoalCounts = field(default_factory=rules.SubGoalCounts)

    @property
    def started(self) -> bool:
        return self.plan is not None

    @property
    def open_subgoals(self) -> list[TrainingSubGoal]:
        return [s for s in self.subgoals if s.result == SubGoalResult.OPEN]


def stay_training_state(stay: Stay) -> TrainingState:
    """The plan of ``stay`` with its sub-goals, situations and strategies, and the sub-goal counts.

    Queries: 1 (plan + author) when no plan exists, else 4 (plan, sub-goals, situations, strategies).
    """
    plan = (
        TrainingPlan.objects.filter(stay=stay)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("subgoals", queryset=TrainingSubGoal.objects.order_by("agreed_on", "id")),
            Prefetch("situations", queryset=WorkSituation.objects.order_by("practised_on", "id")),
            Prefetch("strategies", queryset=TransferStrategy.objects.order_by("written_on", "id")),
        )
        .first()
    )
    if plan is None:
        return TrainingState(plan=None)
    subgoals = list(plan.subgoals.all())
    return TrainingState(
        plan=plan,
        subgoals=subgoals,
        situations=list(plan.situations.all()),
        strategies=list(plan.strategies.all()),
        counts=rules.subgoal_counts(s.result for s in subgoals),
    )


HISTORY_KIND = {"+": "created", "~": "changed", "-": "deleted"}


def _versions(records, label: str, name) -> list[HistoryEntry]:
    """One entry per version, with what changed against the previous version of the same record."""
    entries, previous_by_object = [], {}
    for record in records:
        previous = previous_by_object.get(record.id)
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field_label = record.instance_type._meta.get_field(change.field).verbose_name
                changes.append((str(field_label), change.old, change.new))
        previous_by_object[record.id] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                record=f"{label}: {name(record)}",
                kind=HISTORY_KIND.get(record.history_type, record.history_type),
                changes=changes,
                snapshot=record,
            )
        )
    return entries


def training_history_entries(plan: TrainingPlan) -> list[HistoryEntry]:
    """Every version of the plan, its sub-goals, situations and strategies, newest first, with what changed
    (before → after), so an earlier wording stays readable.

    Queries: 4 (one per history table, with the author), whatever the number of versions.
    """
    related = [
        (TrainingPlan.history.filter(id=plan.pk), TrainingPlan, lambda r: f"{r.starts_on:%d.%m.%Y}"),
        (TrainingSubGoal.history.filter(plan_id=plan.pk), TrainingSubGoal, lambda r: r.text),
        (WorkSituation.history.filter(plan_id=plan.pk), WorkSituation, lambda r: r.description),
        (TransferStrategy.history.filter(plan_id=plan.pk), TransferStrategy, lambda r: r.situation),
    ]
    entries = chain.from_iterable(
        _versions(
            qs.select_related("history_user").order_by("id", "history_date", "history_id"),
            str(model._meta.verbose_name),
            name,
        )
        for qs, model, name in related
    )
    return sorted(entries, key=lambda e: (e.when, e.snapshot.history_id), reverse=True)


def changed_ids(entries: list[HistoryEntry]) -> dict[str, set[int]]:
    """Which records have an earlier version (were changed after they were created), by model name."""
    changed: dict[str, set[int]] = {}
    for entry in entries:
        if entry.kind == "changed":
            changed.setdefault(entry.snapshot.instance_type._meta.model_name, set()).add(entry.snapshot.id)
    return changed


def training_documents(stay: Stay) -> QuerySet[Document]:
    """The PDFs of the transfer strategies handed out so far, newest first (without their bytes)."""
    return (
        stay.documents.filter(kind=TRANSFER_STRATEGIES)
        .defer("content")
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def profile_basis_suggestion(stay: Stay) -> str:
    """7.2: the text the training starts from: the summary of the stay's latest work-ability profile comparison (the
    discharge comparison when there is one, else the admission comparison), in the clinic's language; "" while there
    is none. Queries: 2 (diagnostics.selectors_comparison.stay_comparisons)."""
    comparisons = stay_comparisons(stay)
    latest = next((v for v in (comparisons.discharge, comparisons.admission) if v and v.comparison), None)
    if latest is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Profile comparison (capacity profile of %(date)s): %(summary)s") % {
            "date": f"{latest.capacity.rated_on:%d.%m.%Y}",
            "summary": summary_text(latest.comparison, settings.LANGUAGE_CODE),
        }
