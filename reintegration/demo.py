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
- **Two discharged WMR stays** (Monika Weber, Nicole Koch) with a signed discharge letter (``LETTERS``), so the
  letter pages and the indicators 8.6, 8.12 and 8.17 show something: one with the two copies handed over, one
  limited for the last job with vocational rehabilitation recommended and the copies still to be made.

Runs after ``patients.demo`` (the stays, consents and contacts exist by then). Everything goes through the
services (rules enforced, audit rows). Idempotent: a stay that has a sick-leave period (Helen, Tristan) or a
discharge letter (the discharged stays) already is left alone. Dates are relative to ``today`` (the admission and
discharge dates of the demo stays are). The data is German, as the clinic staff would have typed it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from patients.demo import FACILITIES, HELEN, HELEN_AU_DAYS, TRISTAN, TRISTAN_AU_DAYS
from patients.models import ContactKind, Stay
from reintegration.models import (
    ConsentState,
    DischargeLetter,
    IntegrationGoal,
    PlanParty,
    SickLeavePeriod,
    StakeholderKind,
    TriggerKind,
    TriggerOutcome,
    WorkAbility,
)
from reintegration.services import letter as letter_services
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


# Two discharged WMR stays of the demo with a signed discharge letter (the letter list, 8.6, 8.12 and 8.17 show
# something): Monika Weber not limited, copies made and handed over on the discharge day; Nicole Koch limited for
# her last job (vocational rehabilitation recommended, detailed appraisal), signed on the discharge day, copies not
# made yet.
LETTERS = (
    {
        "name": ("Monika", "Weber"),
        "signed_before_discharge": 1,
        "copies_handed_over": True,
        "values": {
            "diagnoses": [
                {"code": "F32.1", "text": "Mittelgradige depressive Episode"},
                {"code": "Z56", "text": "Probleme mit Bezug auf die Berufstätigkeit"},
            ],
            "therapies_summary": "Psychosoziale Einzel- und Gruppenberatung, berufsbezogene Gruppen, Ergotherapie.",
            "ability_last_job": WorkAbility.SIX_PLUS,
            "ability_general_market": WorkAbility.SIX_PLUS,
            "positive_profile": "Sorgfältig, strukturiert, gute Kontaktfähigkeit im Publikumsverkehr.",
            "negative_profile": "Keine Tätigkeiten unter anhaltendem Zeitdruck ohne Pausen.",
            "recommendations": "Rückkehr an den bisherigen Arbeitsplatz in Vollzeit; Reha-Nachsorge (Psy-RENA).",
        },
    },
    {
        "name": ("Nicole", "Koch"),
        "signed_before_discharge": 0,
        "copies_handed_over": False,
        "values": {
            "diagnoses": [
                {"code": "F33.1", "text": "Rezidivierende depressive Störung, gegenwärtig mittelgradige Episode"},
                {"code": "M54.5", "text": "Kreuzschmerz"},
            ],
            "therapies_summary": "Psychosoziale Beratung, berufsbezogene Gruppen, Physiotherapie.",
            "ability_last_job": WorkAbility.THREE_TO_SIX,
            "ability_general_market": WorkAbility.SIX_PLUS,
            "appraisal_detail": (
                "Im Einzelhandel mit langem Stehen, Heben von Ware und Kundenkonflikten derzeit nur 3 bis unter 6 "
                "Stunden täglich belastbar. Leichte bis mittelschwere Tätigkeiten im Wechsel der Haltungsarten ohne "
                "Nachtschicht sind auf dem allgemeinen Arbeitsmarkt 6 Stunden und mehr möglich."
            ),
            "positive_profile": "Kundenorientiert, zuverlässig, rechnerisch sicher; Arbeit im Sitzen und Gehen.",
            "negative_profile": "Kein langes Stehen, kein Heben über 10 kg, keine Nachtschicht.",
            "vocational_rehab_recommended": True,
            "recommendations": "Leistungen zur Teilhabe am Arbeitsleben (LTA) beantragen; Reha-Nachsorge.",
        },
    },
)


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


def _letter(stay: Stay, spec: dict, *, physician: User, today: dt.date) -> None:
    """Drafted from the record, completed and signed by the demo physician around the discharge day; the copies
    (8.17) where the spec says so."""
    discharge = stay.discharge_date
    signed_on = discharge - dt.timedelta(days=spec["signed_before_discharge"])
    letter = letter_services.letter_draft(by=physician, stay=stay, today=signed_on)
    letter = letter_services.letter_update(by=physician, letter=letter, values=spec["values"])
    letter = letter_services.letter_sign(by=physician, letter=letter, today=signed_on)
    if spec["copies_handed_over"]:
        letter_services.letter_copies_create(by=physician, letter=letter)
        letter_services.letter_copies_handed_over(by=physician, letter=letter, on=discharge, today=today)


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
    for spec in LETTERS:
        stay = _stay(*spec["name"])
        if stay is None or stay.discharge_date is None or DischargeLetter.objects.filter(stay=stay).exists():
            continue
        with transaction.atomic():
            _letter(stay, spec, physician=physician, today=today)
        filled += 1
    return filled
