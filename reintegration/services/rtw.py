"""Writes of the return-to-work plan (recommendations 8.13, 8.14, 10.4–10.6).

A plan names the integration goal, the steps after WMR (with dates and who) and the stakeholders to involve, each
tied to the patient's valid consent of the matching kind. Versions work like the goal agreement: a draft is edited;
agreeing it with the patient (on a date) locks it; a change makes the next version as a draft with steps and
stakeholders copied, and the agreed version stays in force until the new one is agreed (§630f BGB).

Every service checks first (raising an ``RtwRefused`` whose message names the rule; nothing is stored), then writes
in one transaction with ``full_clean`` and one audit row.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import CONSENT_FOR_CONTACT, Consent, ContactKind, ExternalContact, Stay
from reintegration.errors import RtwDraftPending, RtwPlanExists, RtwPlanLocked, RtwRefused, StakeholderConsentMissing
from reintegration.models import RtwPlan, RtwStakeholder, RtwStatus, RtwStep, StakeholderKind
from wmr import audit, locking

# The external contact that stands for each stakeholder; its consent is the one the stakeholder needs
# (employer → employer; occupational physician and BEM → occupational physician; integration service and employment
# agency → their own; the pension insurer's case management → payer).
STAKEHOLDER_CONTACT_KIND: dict[str, str] = {
    StakeholderKind.EMPLOYER: ContactKind.EMPLOYER,
    StakeholderKind.OCCUPATIONAL_PHYSICIAN: ContactKind.OCCUPATIONAL_PHYSICIAN,
    StakeholderKind.BEM: ContactKind.BEM_CONTACT,
    StakeholderKind.INTEGRATION_SERVICE: ContactKind.INTEGRATION_SERVICE,
    StakeholderKind.EMPLOYMENT_AGENCY: ContactKind.EMPLOYMENT_AGENCY,
    StakeholderKind.PENSION_CASE_MANAGEMENT: ContactKind.PAYER,
}
STAKEHOLDER_CONSENT: dict[str, str] = {
    kind: CONSENT_FOR_CONTACT[contact_kind] for kind, contact_kind in STAKEHOLDER_CONTACT_KIND.items()
}
# "The patient has not consented to contact with …"
STAKEHOLDER_WHOM: dict[str, Promise] = {
    StakeholderKind.EMPLOYER: gettext_lazy("the employer"),
    StakeholderKind.OCCUPATIONAL_PHYSICIAN: gettext_lazy("the occupational physician"),
    StakeholderKind.BEM: gettext_lazy("the BEM contact at work"),
    StakeholderKind.INTEGRATION_SERVICE: gettext_lazy("the integration service"),
    StakeholderKind.EMPLOYMENT_AGENCY: gettext_lazy("the employment agency or job centre"),
    StakeholderKind.PENSION_CASE_MANAGEMENT: gettext_lazy("the pension insurer's case management"),
}
PLAN_FIELDS = ("integration_goal", "goal_detail", "note")
STEP_FIELDS = ("text", "due_on", "responsible")


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def _locked_unless_draft(plan: RtwPlan) -> None:
    if plan.status != RtwStatus.DRAFT:
        raise RtwPlanLocked()


def _locked_draft(plan: RtwPlan) -> RtwPlan:
    """The plan's row locked for the write, refused unless it is (still) a draft."""
    _locked_unless_draft(plan)
    locked = RtwPlan.objects.select_for_update().select_related("stay").get(pk=plan.pk)
    _locked_unless_draft(locked)
    return locked


def consent_for_stakeholder(stay: Stay, kind: str, on: dt.date) -> Consent:
    """The consent of the kind ``kind`` needs, valid on ``on``; else ``StakeholderConsentMissing`` saying whether the
    patient never consented or withdrew (with the date)."""
    consent_kind = STAKEHOLDER_CONSENT[kind]
    consents = sorted(stay.consents.filter(kind=consent_kind), key=lambda c: c.given_on, reverse=True)
    valid = next((c for c in consents if c.is_valid_on(on)), None)
    if valid is not None:
        return valid
    withdrawn = [c.withdrawn_on for c in consents if c.withdrawn_on and c.withdrawn_on <= on]
    raise StakeholderConsentMissing(str(STAKEHOLDER_WHOM[kind]), withdrawn_on=max(withdrawn) if withdrawn else None)


def _check_day(stay: Stay, day: dt.date | None, message: str) -> None:
    if day is not None and day < stay.admission_date:
        raise RtwRefused(message % {"date": _date(stay.admission_date)})


def _stripped(**values) -> dict:
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


# --- the plan -----------------------------------------------------------------------------------------------------


def rtw_plan_start(*, by, stay: Stay, integration_goal: str, goal_detail: str = "", note: str = "") -> RtwPlan:
    """Version 1 of the stay's return-to-work plan as a draft (8.13, 8.14): the integration goal and the goal in words.

    Refused when the stay has a plan already (a change is a new version)."""
    if RtwPlan.objects.filter(stay=stay).exists():
        raise RtwPlanExists()
    with transaction.atomic():
        plan = RtwPlan(
            stay=stay,
            version=1,
            integration_goal=integration_goal,
            goal_detail=goal_detail.strip(),
            note=note.strip(),
            created_by=by,
        )
        plan.full_clean()
        plan.save()
        audit.log(plan, "reintegration.rtw.started", user=by, data={"version": 1, "goal": integration_goal})
    return plan


def rtw_plan_update(
    *,
    by,
    plan: RtwPlan,
    integration_goal: str,
    goal_detail: str = "",
    note: str = "",
    lock_version: int | None = None,
) -> RtwPlan:
    """Change goal, goal in words or note of a draft (simple-history keeps the earlier wording).

    ``lock_version``: the version the user edited; saved since by someone else: ``StaleEdit``, nothing stored."""
    data = _stripped(integration_goal=integration_goal, goal_detail=goal_detail, note=note)
    with transaction.atomic():
        locked = _locked_draft(plan)
        locking.claim(locked, lock_version, by=by, fields=PLAN_FIELDS, typed=data)
        changed = [name for name in PLAN_FIELDS if getattr(locked, name) != data[name]]
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        audit.log(locked, "reintegration.rtw.changed", user=by, data={"version": locked.version, "fields": changed})
    return locked


# --- steps after WMR ----------------------------------------------------------------------------------------------

STEP_BEFORE_ADMISSION = gettext_lazy("A step cannot be due before the admission on %(date)s.")


def rtw_step_add(*, by, plan: RtwPlan, text: str, due_on: dt.date | None = None, responsible: str = "") -> RtwStep:
    """A step after WMR (what, by when, who), appended to a draft (8.14)."""
    data = _stripped(text=text, due_on=due_on, responsible=responsible)
    _locked_unless_draft(plan)
    _check_day(plan.stay, data["due_on"], str(STEP_BEFORE_ADMISSION))
    with transaction.atomic():
        locked = _locked_draft(plan)
        position = (locked.steps.aggregate(n=Max("position"))["n"] or 0) + 1
        step = RtwStep(plan=locked, position=position, **data)
        step.full_clean()
        step.save()
        audit.log(step, "reintegration.rtw.step_added", user=by, data={"version": locked.version, "step": position})
    return step


def rtw_step_update(
    *,
    by,
    step: RtwStep,
    text: str,
    due_on: dt.date | None = None,
    responsible: str = "",
    lock_version: int | None = None,
) -> RtwStep:
    """Change a step of a draft. Steps of an agreed version are locked.

    ``lock_version``: the version the user edited; saved since by someone else: ``StaleEdit``, nothing stored."""
    data = _stripped(text=text, due_on=due_on, responsible=responsible)
    _locked_unless_draft(step.plan)
    _check_day(step.plan.stay, data["due_on"], str(STEP_BEFORE_ADMISSION))
    with transaction.atomic():
        _locked_draft(step.plan)
        locking.claim(step, lock_version, by=by, fields=STEP_FIELDS, typed=data)
        changed = [name for name in STEP_FIELDS if getattr(step, name) != data[name]]
        for name, value in data.items():
            setattr(step, name, value)
        step.full_clean()
        step.save()
        audit.log(step, "reintegration.rtw.step_changed", user=by, data={"step": step.position, "fields": changed})
    return step


def rtw_step_remove(*, by, step: RtwStep) -> None:
    """Remove a step from a draft (its history row keeps what it said)."""
    _locked_unless_draft(step.plan)
    with transaction.atomic():
        _locked_draft(step.plan)
        audit.log(step, "reintegration.rtw.step_removed", user=by, data={"step": step.position, "text": step.text})
        step.delete()


# --- stakeholders -------------------------------------------------------------------------------------------------


def rtw_stakeholder_add(
    *,
    by,
    plan: RtwPlan,
    kind: str,
    contact: ExternalContact | None = None,
    role: str = "",
    today: dt.date | None = None,
) -> RtwStakeholder:
    """A stakeholder to involve (8.14), tied to the patient's consent of the matching kind valid today (10.4–10.6).

    Refused without a valid consent (saying whether it was never given or withdrawn, and when), for a stakeholder
    listed already, and for a contact of another stay or of another kind."""
    today = today or timezone.localdate()
    _locked_unless_draft(plan)
    if kind not in STAKEHOLDER_CONSENT:
        raise RtwRefused(_("Please choose a stakeholder."))
    if plan.stakeholders.filter(kind=kind).exists():
        raise RtwRefused(
            _("%(stakeholder)s is listed in this plan already.") % {"stakeholder": StakeholderKind(kind).label}
        )
    if contact is not None and (contact.stay_id != plan.stay_id or contact.kind != STAKEHOLDER_CONTACT_KIND[kind]):
        raise RtwRefused(
            _("The contact must be one of this stay's contacts of the kind “%(kind)s”.")
            % {"kind": ContactKind(STAKEHOLDER_CONTACT_KIND[kind]).label}
        )
    consent = consent_for_stakeholder(plan.stay, kind, today)
    with transaction.atomic():
        locked = _locked_draft(plan)
        stakeholder = RtwStakeholder(plan=locked, kind=kind, contact=contact, consent=consent, role=role.strip())
        stakeholder.full_clean()
        stakeholder.save()
        audit.log(
            stakeholder,
            "reintegration.rtw.stakeholder_added",
            user=by,
            data={"version": locked.version, "kind": kind, "consent": consent.pk},
        )
    return stakeholder


def rtw_stakeholder_remove(*, by, stakeholder: RtwStakeholder) -> None:
    """Remove a stakeholder from a draft (its history row keeps it)."""
    _locked_unless_draft(stakeholder.plan)
    with transaction.atomic():
        _locked_draft(stakeholder.plan)
        audit.log(stakeholder, "reintegration.rtw.stakeholder_removed", user=by, data={"kind": stakeholder.kind})
        stakeholder.delete()


# --- agreement and versions ---------------------------------------------------------------------------------------


def rtw_plan_agree(*, by, plan: RtwPlan, agreed_on: dt.date, today: dt.date | None = None) -> RtwPlan:
    """8.13: the draft is agreed with the patient on ``agreed_on`` and locked; the version it replaces becomes
    "superseded" and stays readable.

    Refused without a step, for a date in the future, before the admission or before the agreement of the version it
    replaces, and while a stakeholder's consent is not valid on that date (never involve without consent)."""
    today = today or timezone.localdate()
    _locked_unless_draft(plan)
    stay = plan.stay
    if not plan.steps.exists():
        raise RtwRefused(_("Please add at least one step after WMR before the plan is agreed."))
    if agreed_on > today:
        raise RtwRefused(_("The agreement date lies in the future."))
    _check_day(stay, agreed_on, _("The plan cannot be agreed before the admission on %(date)s."))
    previous = plan.previous
    if previous is not None and previous.agreed_on and agreed_on < previous.agreed_on:
        raise RtwRefused(
            _("This version cannot be agreed before the version it replaces (agreed on %(date)s).")
            % {"date": _date(previous.agreed_on)}
        )
    for stakeholder in plan.stakeholders.select_related("consent"):
        if not stakeholder.consent.is_valid_on(agreed_on):
            consent_for_stakeholder(stay, stakeholder.kind, agreed_on)  # raises, naming the stakeholder
    with transaction.atomic():
        locked = _locked_draft(plan)
        if previous is not None and previous.status == RtwStatus.AGREED:
            previous.status = RtwStatus.SUPERSEDED
            previous.full_clean()
            previous.save(update_fields=["status"])
        locked.status = RtwStatus.AGREED
        locked.agreed_on = agreed_on
        locked.full_clean()
        locked.save(update_fields=["status", "agreed_on"])
        audit.log(
            locked, "reintegration.rtw.agreed", user=by, data={"version": locked.version, "on": agreed_on.isoformat()}
        )
    return locked


def rtw_plan_revise(*, by, plan: RtwPlan) -> RtwPlan:
    """Change an agreed plan: the next version as a draft with goal, steps and stakeholders copied (a stakeholder
    keeps its consent; one withdrawn since blocks the agreement until it is removed or a new consent is recorded).
    The agreed version stays in force until the new one is agreed."""
    if plan.status != RtwStatus.AGREED:
        raise RtwRefused(_("Only the currently agreed version can be changed through a new version."))
    if RtwPlan.objects.filter(stay_id=plan.stay_id, status=RtwStatus.DRAFT).exists():
        raise RtwDraftPending()
    with transaction.atomic():
        new = RtwPlan(
            stay_id=plan.stay_id,
            version=plan.version + 1,
            previous=plan,
            created_by=by,
            **{name: getattr(plan, name) for name in PLAN_FIELDS},
        )
        new.full_clean()
        new.save()
        for step in plan.steps.order_by("position"):
            copy = RtwStep(plan=new, position=step.position, **{name: getattr(step, name) for name in STEP_FIELDS})
            copy.full_clean()
            copy.save()
        for stakeholder in plan.stakeholders.all():
            copy = RtwStakeholder(
                plan=new,
                kind=stakeholder.kind,
                contact_id=stakeholder.contact_id,
                consent_id=stakeholder.consent_id,
                role=stakeholder.role,
            )
            copy.full_clean()
            copy.save()
        audit.log(new, "reintegration.rtw.revised", user=by, data={"version": new.version, "replaces": plan.pk})
    return new
