"""Reads of the return-to-work checklists: the facts that decide which apply, and each item's latest entry with its
history (the case overview calls ``stay_checklists_state``; the checklists page shows the same state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from patients.models import Stay
from reintegration import checklists
from reintegration.checklists import Applies, Facts, Item
from reintegration.models import ChecklistEntry, ChecklistState, DischargeLetter, WorkSituation


def stay_checklist_facts(stay: Stay) -> Facts:
    """The stay's employment status, its work situation's job risk and the appraisal of its newest discharge letter
    (any status: the letter being written is the current appraisal). Two queries."""
    job_risk = WorkSituation.objects.filter(stay=stay).values_list("job_risk", flat=True).first()
    letter = (
        DischargeLetter.objects.filter(stay=stay)
        .order_by("-version")
        .values("ability_last_job", "ability_general_market", "vocational_rehab_recommended")
        .first()
    ) or {}
    return Facts(
        employment_status=stay.employment_status,
        job_risk=job_risk or "",
        ability_last_job=letter.get("ability_last_job", ""),
        ability_general_market=letter.get("ability_general_market", ""),
        vocational_rehab_recommended=bool(letter.get("vocational_rehab_recommended")),
    )


@dataclass
class ItemState:
    item: Item
    entries: list[ChecklistEntry]  # newest first; the first counts
    form: object | None = None  # the page's record form for this item (set by the view)

    @property
    def latest(self) -> ChecklistEntry | None:
        return self.entries[0] if self.entries else None

    @property
    def state(self) -> str:
        """done / not_applicable / open"""
        return self.latest.state if self.latest else "open"

    @property
    def is_open(self) -> bool:
        return self.latest is None


@dataclass
class GroupState:
    applies: Applies
    items: list[ItemState]


@dataclass
class ChecklistsState:
    """What the checklists page and the case overview show."""

    facts: Facts
    groups: list[GroupState]  # the groups that apply, in catalogue order
    inactive: list[ItemState] = field(default_factory=list)  # recorded items whose group does not apply any more

    @property
    def items(self) -> list[ItemState]:
        return [item for group in self.groups for item in group.items]

    @property
    def open_count(self) -> int:
        return sum(1 for item in self.items if item.is_open)

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.state == ChecklistState.DONE)

    @property
    def total(self) -> int:
        return len(self.items)


def checklist_entries(stay: Stay) -> dict[str, list[ChecklistEntry]]:
    """Every entry of the stay by item, newest first (one query)."""
    by_item: dict[str, list[ChecklistEntry]] = {}
    for entry in ChecklistEntry.objects.filter(stay=stay).select_related("recorded_by").order_by("-recorded_at", "-id"):
        by_item.setdefault(entry.item, []).append(entry)
    return by_item


def stay_checklists_state(stay: Stay, today: dt.date) -> ChecklistsState:
    """The checklists that apply to the stay (with the reason) and each item's entries; the items recorded earlier
    whose group no longer applies. Three queries whatever the number of entries: work situation, newest discharge
    letter, entries."""
    facts = stay_checklist_facts(stay)
    entries = checklist_entries(stay)
    groups = [
        GroupState(applies, [ItemState(item, entries.get(item.key, [])) for item in applies.items])
        for applies in checklists.applicable_groups(facts)
    ]
    active = {item.item.key for group in groups for item in group.items}
    inactive = [
        ItemState(item, entries[item.key])
        for item in checklists.ITEMS
        if item.key in entries and item.key not in active
    ]
    return ChecklistsState(facts=facts, groups=groups, inactive=inactive)
