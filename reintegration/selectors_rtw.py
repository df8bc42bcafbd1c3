"""Reads of the return-to-work plan (8.13, 8.14) and the contact log with employer and company medical service
(10.5). The case overview calls ``stay_rtw_state``; the plan page, the versions page and the API use the same reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from patients.models import ContactEvent, ContactKind, Stay
from reintegration.models import RtwPlan, RtwStakeholder, RtwStatus, RtwStep

# The contacts the RTW page's contact log lists: employer, occupational physician, BEM contact (rec 10.5, 10.6).
WORK_CONTACT_KINDS = (ContactKind.EMPLOYER, ContactKind.OCCUPATIONAL_PHYSICIAN, ContactKind.BEM_CONTACT)


def stay_rtw_plans(stay: Stay) -> QuerySet[RtwPlan]:
    """All versions of the stay's plan, newest first, with steps (in order) and stakeholders (with consent and
    contact). Three queries."""
    return (
        RtwPlan.objects.filter(stay=stay)
        .select_related("previous", "created_by")
        .prefetch_related(
            Prefetch("steps", queryset=RtwStep.objects.order_by("position", "id")),
            Prefetch("stakeholders", queryset=RtwStakeholder.objects.select_related("consent", "contact")),
        )
        .order_by("-version")
    )


@dataclass
class StakeholderState:
    stakeholder: RtwStakeholder
    consent_valid: bool  # the consent it is tied to is valid today


@dataclass
class RtwState:
    """What the case overview, the plan page and the API show of a stay's return-to-work plan."""

    versions: list[RtwPlan]  # newest first
    current: RtwPlan | None  # the newest version (a draft waiting to be agreed, or the agreed one)
    agreed: RtwPlan | None  # the version agreed with the patient now in force
    draft: RtwPlan | None
    steps: list[RtwStep] = field(default_factory=list)  # of ``current``
    stakeholders: list[StakeholderState] = field(default_factory=list)  # of ``current``

    @property
    def documented(self) -> bool:
        """8.13: a plan is documented once a version is agreed with the patient."""
        return self.agreed is not None

    @property
    def consent_problems(self) -> list[StakeholderState]:
        """Stakeholders of the current version whose consent is not valid (any more)."""
        return [s for s in self.stakeholders if not s.consent_valid]


def rtw_state(versions: list[RtwPlan], today: dt.date) -> RtwState:
    """The state from ``versions`` (as ``stay_rtw_plans`` returns them); no further queries."""
    current = versions[0] if versions else None
    return RtwState(
        versions=versions,
        current=current,
        agreed=next((v for v in versions if v.status == RtwStatus.AGREED), None),
        draft=next((v for v in versions if v.status == RtwStatus.DRAFT), None),
        steps=list(current.steps.all()) if current else [],
        stakeholders=[StakeholderState(s, s.consent.is_valid_on(today)) for s in current.stakeholders.all()]
        if current
        else [],
    )


def stay_rtw_state(stay: Stay, today: dt.date) -> RtwState:
    """The stay's return-to-work plan: versions, the agreed and the draft version, steps and stakeholders of the
    current one with their consent today. Three queries whatever the number of versions, steps or stakeholders."""
    return rtw_state(list(stay_rtw_plans(stay)), today)


def stay_rtw_history(stay: Stay) -> list:
    """Every recorded state of the plan's versions, steps and stakeholders (simple-history), newest first: edits of a
    draft stay readable too. Three queries."""
    from patients.history import history_entries

    related = [
        (RtwPlan.history.filter(stay_id=stay.pk), str(RtwPlan._meta.verbose_name)),
        (RtwStep.history.filter(plan__stay_id=stay.pk), str(RtwStep._meta.verbose_name)),
        (RtwStakeholder.history.filter(plan__stay_id=stay.pk), str(RtwStakeholder._meta.verbose_name)),
    ]
    entries = [
        entry
        for qs, label in related
        for entry in history_entries(
            qs.select_related("history_user").order_by("id", "history_date", "history_id"), label
        )
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def rtw_contact_log(stay: Stay) -> QuerySet[ContactEvent]:
    """Contacts made with the employer, the occupational physician and the BEM contact (date, whom, channel, purpose,
    outcome), newest first. One query."""
    return (
        ContactEvent.objects.filter(contact__stay=stay, contact__kind__in=WORK_CONTACT_KINDS)
        .select_related("contact", "recorded_by")
        .order_by("-on", "-id")
    )
