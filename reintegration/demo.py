"""The return-to-work part of the demo clinic: the two Hamburg-model patients of ``../shared/domain/hamburg_model.md``.

- **Helen Berger** (§11.1, burnout, WMR stay, DRV payer, employer and occupational-physician consents): her 91 days
  of AU up to the day before admission as a sick-leave period (both triggers: BEM > 42 days, graded return ≥ 90
  days, H15), her work situation (5 days × 8 hours), the BEM examination recorded by the demo physician on day 5
  (indicated: BEM talk with the occupational physician after the rehab). The graded-return examination is left
  open on purpose: it stays a task on the case overview that points at the graded plan, which the browser journey
  of issue 7 builds through the forms (so the demo has no graded plan for her). A draft return-to-work plan (same
  job, three steps after WMR, stakeholders employer and occupational physician, each tied to her consent).
- **Tristan Keller** (§11.2, tendinitis): 60 days of AU before admission (BEM trigger only, TR5; the BEM task stays
  open), his work situation (the employer's refusal in its note), and TR1 through the plan services: a graded plan
  with his consent and the employer's refusal, so it ends as ``not_started`` with the task to talk to the employer
  again in two weeks.

Runs after ``patients.demo`` (the stays, consents and contacts exist by then). Everything goes through the
services (rules enforced, audit rows). Idempotent: a patient whose stay has a sick-leave period already is left
alone. Dates are relative to ``today`` (the admission dates of the demo stays are). The data is German, as the
clinic staff would have typed it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from patients.demo import FACILITIES, HELEN, HELEN_AU_DAYS, TRISTAN, TRISTAN_AU_DAYS
from patients.models import ContactKind, Stay
from reintegration.models import (
    ConsentState,
    IntegrationGoal,
    PlanParty,
    SickLeavePeriod,
    StakeholderKind,
    TriggerKind,
    TriggerOutcome,
)
from reintegration.services import plan as plan_services
from reintegration.services import rtw as rtw_services
from reintegration.services import sickleave as sick_leave_services
from staff.models import User

DEMO_PHYSICIAN = "aerztin"
DEMO_SOCIAL_WORKER = "sozialarbeit"

HELEN_DIAGNOSIS = "F43.2 Anpassungsstörung (Erschöpfungssyndrom)"
TRISTAN_DIAGNOSIS = "M65.9 Tendovaginitis, Unterarm rechts"
HELEN_BEM_DAY = 5  # day of the stay on which the physician examined BEM
HELEN_RTW_GOAL = (
    "Rückkehr an den bisherigen Arbeitsplatz als Teamleiterin Kundenservice bei der Nordlicht Energie GmbH, "
    "stufenweise über 13 Wochen (Hamburger Modell) bis zur vollen Arbeitszeit von 40 Stunden."
)
# (text, days after the planned discharge it is due, who)
HELEN_RTW_STEPS = (
    ("Stufenweise Wiedereingliederung nach dem Stufenplan beginnen", 7, "Patientin, Arbeitgeber"),
    ("BEM-Gespräch mit Arbeitgeber und Betriebsärztin", 21, "Betriebsärztin Dr. Lang"),
    ("Nachsorge: psychosomatische Reha-Nachsorge (Psy-RENA) wöchentlich", 28, "Patientin"),
)
HELEN_STAKEHOLDERS = (
    (StakeholderKind.EMPLOYER, ContactKind.EMPLOYER, "Stimmt dem Stufenplan zu, hält den Arbeitsplatz frei."),
    (
        StakeholderKind.OCCUPATIONAL_PHYSICIAN,
        ContactKind.OCCUPATIONAL_PHYSICIAN,
        "Begleitet die Wiedereingliederung und führt das BEM-Gespräch.",
    ),
)
TRISTAN_NOTE = (
    "Arbeitgeber (Autohaus Fuldatal, Frau Richter) lehnt eine stufenweise Wiedereingliederung vorerst ab: erst "
    "vollständig genesen. Erneutes Gespräch in zwei Wochen vereinbart. Noch keine Einwilligung zur Kontaktaufnahme "
    "mit dem Arbeitgeber."
)
TRISTAN_REFUSAL_DAY = 2  # day of the stay on which he reported the employer's refusal
TRISTAN_PLANNED_START_AFTER = 7  # days after the planned discharge he hoped to start
TRISTAN_EMPLOYER_PERSON = "Anke Richter (Werkstattleitung)"
TRISTAN_REFUSAL = "Erst vollständig genesen; erneutes Gespräch in zwei Wochen."


def _stay(first_name: str, last_name: str) -> Stay | None:
    return (
        Stay.objects.filter(
            facility__ik_number__in=[f.ik_number for f in FACILITIES],
            patient__first_name=first_name,
            patient__last_name=last_name,
        )
        .select_related("patient")
        .order_by("-admission_date")
        .first()
    )


def au_before_admission(admission: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The AU period of ``days`` days ending the day before admission (H15, TR5 shape)."""
    last = admission - dt.timedelta(days=1)
    return last - dt.timedelta(days=days - 1), last


def _sick_leave(stay: Stay, *, by: User, days: int, diagnosis: str, today: dt.date) -> None:
    starts_on, ends_on = au_before_admission(stay.admission_date, days)
    sick_leave_services.sick_leave_add(
        by=by, stay=stay, starts_on=starts_on, ends_on=ends_on, diagnosis_group=diagnosis, today=today
    )


def _helen(stay: Stay, *, physician: User, social_worker: User, today: dt.date) -> None:
    _sick_leave(stay, by=social_worker, days=HELEN_AU_DAYS, diagnosis=HELEN_DIAGNOSIS, today=today)
    sick_leave_services.work_situation_save(
        by=social_worker,
        stay=stay,
        working_days_per_week=5,
        hours_per_day=8,
        statutory_sick_pay=True,
        note="Vollzeit, 5 Tage × 8 Stunden; Arbeitsplatz bleibt frei.",
    )
    sick_leave_services.trigger_examination_record(
        by=physician,
        stay=stay,
        kind=TriggerKind.BEM,
        examined_on=stay.admission_date + dt.timedelta(days=HELEN_BEM_DAY - 1),
        outcome=TriggerOutcome.INDICATED,
        note="BEM-Gespräch mit der Betriebsärztin nach der Reha; Einwilligung liegt vor.",
        today=today,
    )
    plan = rtw_services.rtw_plan_start(
        by=social_worker, stay=stay, integration_goal=IntegrationGoal.SAME_JOB, goal_detail=HELEN_RTW_GOAL
    )
    discharge = stay.discharge_date or stay.admission_date + dt.timedelta(days=34)
    for text, days_after, responsible in HELEN_RTW_STEPS:
        rtw_services.rtw_step_add(
            by=social_worker,
            plan=plan,
            text=text,
            due_on=discharge + dt.timedelta(days=days_after),
            responsible=responsible,
        )
    contacts = {contact.kind: contact for contact in stay.contacts.all()}
    for kind, contact_kind, role in HELEN_STAKEHOLDERS:
        rtw_services.rtw_stakeholder_add(
            by=social_worker, plan=plan, kind=kind, contact=contacts.get(contact_kind), role=role, today=today
        )


def _tristan(stay: Stay, *, physician: User, social_worker: User, today: dt.date) -> None:
    _sick_leave(stay, by=social_worker, days=TRISTAN_AU_DAYS, diagnosis=TRISTAN_DIAGNOSIS, today=today)
    sick_leave_services.work_situation_save(
        by=social_worker, stay=stay, working_days_per_week=5, hours_per_day=8, note=TRISTAN_NOTE
    )
    # TR1: he asked to return gradually; the employer declined for now. The plan ends as "not started" with the task
    # to talk to the employer again in two weeks (no steps: the plan is not validated).
    asked_on = stay.admission_date + dt.timedelta(days=TRISTAN_REFUSAL_DAY - 1)
    discharge = stay.discharge_date or stay.admission_date + dt.timedelta(days=34)
    plan = plan_services.plan_create(
        by=physician, stay=stay, starts_on=discharge + dt.timedelta(days=TRISTAN_PLANNED_START_AFTER), today=today
    )
    plan_services.consent_record(
        by=physician, plan=plan, party=PlanParty.EMPLOYEE, state=ConsentState.GIVEN, on=asked_on, today=today
    )
    plan_services.consent_record(
        by=physician,
        plan=plan,
        party=PlanParty.EMPLOYER,
        state=ConsentState.REFUSED,
        on=asked_on,
        signed_by=TRISTAN_EMPLOYER_PERSON,
        reason=TRISTAN_REFUSAL,
        today=today,
    )


def load_reintegration_demo(*, today: dt.date) -> int:
    """Record the return-to-work demo of Helen and Tristan; returns how many stays got it (0 when both have their
    sick leave already, or when the demo clinic is not loaded)."""
    try:
        physician = User.objects.get(username=DEMO_PHYSICIAN)
        social_worker = User.objects.get(username=DEMO_SOCIAL_WORKER)
    except User.DoesNotExist:
        return 0
    filled = 0
    helen = _stay(HELEN.first_name, HELEN.last_name)
    if helen is not None and not SickLeavePeriod.objects.filter(stay=helen).exists():
        with transaction.atomic():  # all of her part or nothing, so a second run can tell
            _helen(helen, physician=physician, social_worker=social_worker, today=today)
        filled += 1
    tristan = _stay(TRISTAN.first_name, TRISTAN.last_name)
    if tristan is not None and not SickLeavePeriod.objects.filter(stay=tristan).exists():
        with transaction.atomic():
            _tristan(tristan, physician=physician, social_worker=social_worker, today=today)
        filled += 1
    return filled
