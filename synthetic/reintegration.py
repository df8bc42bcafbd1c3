"""Synthetic reintegration rows (issue 10): work situation, sick leave before admission with the examinations it
triggers (8.2, 8.4), graded return-to-work plans (Hamburg model) with steps and consents, the return-to-work plan
with its steps and stakeholders (8.13, 8.14), and the discharge letter's **metadata**. See ``synthetic.core``.

For WMR stays (not invited): the work situation and the sick-leave history (recorded on day 1–3), an examination of
each trigger the history sets off (on day 3–15 when the stay follows the recommendations, ``plan.compliance``), a
return-to-work plan from day 18–25 (agreed before discharge when compliant, else a draft), and for about 30 % of the
stays that reach day 21 (more of those with 90+ days of sick leave) a graded plan: a draft or waiting for consents
while the patient is in the house; submitted, approved or not started (the employer refused, TR1) once discharged.
Its steps carry the weekly pattern as ``reintegration.hamburg.pattern_to_json`` writes it; ``last_day`` and the payer
come from ``hamburg.compute_plan`` / ``determine_payer`` like the services store them. No event is dated after
``plan.last_day(today)`` (a plan's start and its steps lie after discharge: they are planned dates).

Discharge letter, every discharged stay: version 1, signed by the care team's physician in the last days of the
stay, or (a few, more with low compliance) still a draft — so drafts 5+ days after discharge exist for the reminder
and the indicator. A signed letter points at a stored ``Document`` whose content is a **placeholder**: a one-page
PDF saying it stands for the synthetic letter (stay number, version, date), with its real SHA-256 and size, and
``facts`` like the service's plus ``"synthetic_placeholder": true``; nothing is rendered here (WeasyPrint would take
seconds per letter). Most signed letters also have the two patient's copies (8.17, placeholders too) handed over on
the discharge day. ``record_snapshot`` is the record as the signing service keeps it: the therapy minutes counted up
to the signing day (from ``chunk.extra["therapy.counted"]``), the agreed return-to-work plan and the graded plan;
no comparison (``None``, as for a stay without a computable one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from synthetic.core import days
from synthetic.therapy import Row, at, copy_objects, reserve_ids

NAME = "reintegration"
ONE_DAY = dt.timedelta(days=1)
# = reintegration.documents_letter.TEMPLATE_VERSION and SECTION_KEYS (that module imports WeasyPrint, a second to
# load; tests/synthetic/test_reintegration.py checks they agree)
TEMPLATE_VERSION = 1
SECTION_KEYS = (
    "diagnoses",
    "course",
    "goals",
    "diagnostics",
    "therapies",
    "appraisal",
    "rtw_plan",
    "graded_plan",
    "recommendations",
)

DIAGNOSES = (
    ("F32.1", "Mittelgradige depressive Episode"),
    ("F33.1", "Rezidivierende depressive Störung, gegenwärtig mittelgradige Episode"),
    ("F43.2", "Anpassungsstörung"),
    ("F41.1", "Generalisierte Angststörung"),
    ("F45.41", "Chronische Schmerzstörung mit somatischen und psychischen Faktoren"),
    ("F41.0", "Panikstörung"),
    ("F48.0", "Neurasthenie"),
)
SECONDARY = (
    ("Z56", "Probleme mit Bezug auf die Berufstätigkeit"),
    ("M54.5", "Kreuzschmerz"),
    ("I10.90", "Essentielle Hypertonie"),
    ("E66.0", "Adipositas durch übermäßige Kalorienzufuhr"),
)
DIAGNOSIS_GROUPS = ("F32 Depressive Episode", "F43 Belastungsreaktion", "F41 Angststörung", "M54 Rückenschmerzen")
DOCTORS = ("Dr. med. Becker", "Dr. med. Yılmaz", "Dr. med. Hartmann", "Praxis Dr. Lorenz und Kollegen")
POSITIVE = (
    "Sorgfältig, strukturiert, gute Kontaktfähigkeit; Arbeit im Wechsel von Sitzen, Stehen und Gehen.",
    "Zuverlässig, kundenorientiert, rechnerisch sicher; leichte bis mittelschwere Tätigkeiten.",
    "Gute Auffassung und Umstellungsfähigkeit; selbstständiges Arbeiten nach Einarbeitung.",
)
NEGATIVE = (
    "Keine Tätigkeiten unter anhaltendem Zeitdruck ohne Pausen, keine Nachtschicht.",
    "Kein Heben über 10 kg, kein langes Stehen, keine Zwangshaltungen.",
    "Keine Tätigkeiten mit häufigen Konflikten im Publikumsverkehr.",
)
APPRAISAL = (
    "In der zuletzt ausgeübten Tätigkeit mit hoher Verantwortung unter Zeitdruck derzeit nur 3 bis unter 6 Stunden "
    "täglich belastbar. Leichte bis mittelschwere Tätigkeiten ohne Nachtschicht sind auf dem allgemeinen "
    "Arbeitsmarkt eingeschränkt möglich; Verlauf und Belastbarkeit sollten in der Nachsorge überprüft werden."
)
RTW_STEPS = (
    ("Stufenweise Wiedereingliederung nach dem Stufenplan beginnen", 14, "Patient/in, Arbeitgeber"),
    ("BEM-Gespräch mit Arbeitgeber und Betriebsarzt", 21, "Betriebsarzt"),
    ("Nachsorge: psychosomatische Reha-Nachsorge (Psy-RENA) wöchentlich", 28, "Patient/in"),
    ("Termin beim Hausarzt zur Arbeitsfähigkeit", 7, "Patient/in"),
    ("Antrag auf Leistungen zur Teilhabe am Arbeitsleben stellen", 30, "Sozialdienst, Patient/in"),
)
RTW_GOALS = {
    "same_job": "Rückkehr an den bisherigen Arbeitsplatz, stufenweise bis zur vollen Arbeitszeit.",
    "adapted_job": "Rückkehr zum bisherigen Arbeitgeber mit angepassten Aufgaben ohne Nachtschicht.",
    "other_job": "Wechsel in eine Tätigkeit mit weniger Zeitdruck beim bisherigen Arbeitgeber.",
    "job_search": "Arbeitssuche mit Unterstützung der Agentur für Arbeit.",
    "retraining": "Umschulung über Leistungen zur Teilhabe am Arbeitsleben.",
}
ACTIVITIES = ("Bisherige Tätigkeit ohne Leitungsaufgaben", "Bürotätigkeit, Telefon", "Leichte Tätigkeiten im Team")
BEM_OUTCOMES = (("indicated", 60), ("not_indicated", 15), ("declined", 10), ("already_running", 15))
GRTW_OUTCOMES = (("indicated", 60), ("not_indicated", 25), ("declined", 15))
EMPLOYER_SIGNERS = ("Frau Richter (Personalabteilung)", "Herr Schulz (Personalleitung)", "Frau Wolf (Geschäftsführung)")


def seed_chunk(options, writer, chunk) -> None:
    from patients.models import Payer
    from reintegration import sickleave
    from reintegration.models import SickLeavePeriod, TriggerExamination, WorkSituation

    rng = chunk.rng(options.seed, NAME)
    today = options.today
    consents = chunk.extra.get("people.consents", {})
    contacts = chunk.extra.get("people.contacts", {})
    counted = chunk.extra.get("therapy.counted", {})
    situations, periods, examinations = [], [], []
    graded: list[dict] = []
    rtw: list[dict] = []
    letters: list[dict] = []
    pension = Payer.pension_insurance()

    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        last = plan.last_day(today)
        if last is None or last < plan.admission:
            continue
        team = chunk.team[stay.pk]
        physician, social = team["physician"], team["social_worker"]
        compliant = rng.random() <= plan.compliance
        stay_consents = consents.get(stay.pk, {})
        facts = None
        if plan.wmr:
            unemployed = stay.employment_status == "unemployed"
            recorded = plan.day(rng.randint(1, 3))
            recorded = min(recorded, last)
            working_days = 5 if rng.random() < 0.85 else 4
            hours = rng.choice((Decimal("8.00"), Decimal("8.00"), Decimal("8.00"), Decimal("7.50"), Decimal("6.00")))
            disability = rng.choices(("none", "severe", "equal_status"), (88, 8, 4))[0]
            situation = Row(
                stay_id=stay.pk,
                working_days_per_week=working_days,
                hours_per_day=hours,
                disability=disability,
                work_accident=rng.random() < 0.02,
                unemployment_benefit=unemployed,
                statutory_sick_pay=stay.employment_status not in ("civil_servant", "self_employed"),
                job_risk="unemployed" if unemployed else rng.choices(("none", "impending"), (82, 18))[0],
                note="",
                updated_by=social,
                updated_at=at(recorded, dt.time(11, 0)),
            )
            situations.append(situation)
            # sick leave before admission: none, short, over six weeks, three months and more
            lengths = (0, rng.randint(10, 42), rng.randint(43, 89), rng.randint(90, 250))
            length = rng.choices(lengths, (15, 30, 30, 25))[0]
            absences = []
            if length:
                absences.append(sickleave.AbsenceFact(plan.admission - days(length), plan.admission - days(1)))
                if rng.random() < 0.2:
                    gap = rng.randint(20, 80)
                    end = plan.admission - days(length + gap)
                    absences.append(sickleave.AbsenceFact(end - days(rng.randint(1, 5)), end, "uncertified"))
            for absence in absences:
                periods.append(
                    Row(
                        stay_id=stay.pk,
                        kind=absence.kind,
                        starts_on=absence.starts_on,
                        ends_on=absence.ends_on,
                        diagnosis_group=rng.choice(DIAGNOSIS_GROUPS) if absence.kind == "certified" else "",
                        note="",
                        created_by=social,
                        created_at=at(recorded, dt.time(11, 30)),
                    )
                )
            bem_due, grtw_due = triggers(absences, plan.admission - days(1), working_days)
            for kind, due, outcomes in (
                ("bem", bem_due, BEM_OUTCOMES),
                ("graded_return", grtw_due, GRTW_OUTCOMES),
            ):
                if not due:
                    continue
                on = plan.day(rng.randint(3, 12)) if compliant else plan.day(rng.randint(20, 40))
                if on > last or (not compliant and rng.random() < 0.5):
                    continue
                values, weights = zip(*outcomes, strict=True)
                examinations.append(
                    Row(
                        stay_id=stay.pk,
                        kind=kind,
                        examined_on=on,
                        outcome=rng.choices(values, weights)[0],
                        note="",
                        recorded_by=physician if kind == "graded_return" else social,
                        recorded_at=at(on, dt.time(14, 0)),
                    )
                )
            facts = {
                "situation": situation,
                "civil_servant": stay.employment_status == "civil_servant",
                "pension_rehab": stay.payer in pension,
                "grtw_due": grtw_due,
            }
            # the return-to-work plan (8.13), drafted from day 18–25
            drafted = plan.day(rng.randint(18, 25))
            if drafted <= last:
                goal = (
                    rng.choice(("job_search", "retraining"))
                    if unemployed
                    else rng.choices(("same_job", "adapted_job", "other_job", "retraining"), (65, 20, 8, 7))[0]
                )
                agreed = None
                if plan.status == "discharged" and compliant:
                    agreed = max(drafted, plan.discharge - days(rng.randint(0, 4)))
                rtw.append(
                    {
                        "plan": plan,
                        "stay": stay,
                        "goal": goal,
                        "drafted": drafted,
                        "agreed": agreed,
                        "by": social,
                        "steps": rng.sample(RTW_STEPS, rng.randint(2, 4)),
                        "consents": stay_consents,
                        "contacts": contacts.get(stay.pk, {}),
                    }
                )
            # the graded return (about 30 % of the stays reaching day 21; not for the unemployed or self-employed)
            if (
                not unemployed
                and stay.employment_status != "self_employed"
                and (last - plan.admission).days >= 20
                and rng.random() < (0.6 if grtw_due else 0.2)
            ):
                graded.append(_graded_plan(rng, plan, stay, facts, team, last))
        if plan.status == "discharged" or (plan.discharge - today).days <= 3:
            letters.append(_letter_values(rng, options, plan, stay, team, compliant, contacts.get(stay.pk, {})))

    copy_objects(writer, WorkSituation, situations)
    copy_objects(writer, SickLeavePeriod, periods)
    copy_objects(writer, TriggerExamination, examinations)
    graded_rows = _write_graded(writer, graded)
    rtw_rows = _write_rtw(writer, rtw)
    _write_letters(writer, letters, counted, rtw_rows, graded_rows)


def triggers(absences, reference: dt.date, working_days: int) -> tuple[bool, bool]:
    """(BEM due, graded return due) on ``reference`` as ``reintegration.sickleave.judge`` decides them (B-3 window,
    B-4 calendar rule, B-5 working-day rule, K-1), for periods that do not overlap — without judge's search for the
    day the threshold was crossed, which costs two milliseconds a stay."""
    from reintegration import sickleave

    start, end = sickleave.window(reference)
    calendar = working = 0
    for absence in absences:
        day, last = max(absence.starts_on, start), min(absence.ends_on or reference, end)
        while day <= last:
            calendar += 1
            working += day.weekday() < working_days
            day += ONE_DAY
    bem = calendar > sickleave.BEM_CALENDAR_LIMIT or working > sickleave.BEM_WEEKS * working_days
    return bem, calendar >= settings.GRTW_EXAMINE_MIN_DAYS


# --- graded return to work -----------------------------------------------------------------------------------------


def _graded_plan(rng, plan, stay, facts, team, last) -> dict:
    from reintegration import hamburg

    situation = facts["situation"]
    working_days, hours = situation.working_days_per_week, situation.hours_per_day
    created = plan.day(rng.randint(14, 20))
    created = min(created, last)
    starts_on = plan.discharge + days(rng.randint(14, 21))
    fractions = rng.choice(((Decimal("0.5"), Decimal("0.75")), (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"))))
    steps = []
    for fraction in fractions:
        step_hours = max(Decimal("2"), (hours * fraction * 2).to_integral_value() / 2)
        steps.append(
            hamburg.StepInput(
                weeks=rng.choice((2, 2, 3)),
                pattern=(hamburg.PatternEntry(days=working_days, hours=min(step_hours, hours)),),
                activities=rng.choice(ACTIVITIES),
            )
        )
    plan_input = hamburg.PlanInput(
        starts_on=starts_on, steps=tuple(steps), working_days_per_week=working_days, hours_per_day=hours
    )
    computed = hamburg.compute_plan(plan_input)
    case = hamburg.CaseFacts(
        civil_servant=facts["civil_servant"],
        work_accident=situation.work_accident,
        pension_rehab=facts["pension_rehab"],
        discharge_date=plan.discharge,
        unemployment_benefit=situation.unemployment_benefit,
        statutory_sick_pay=situation.statutory_sick_pay,
        severely_disabled=situation.disability != "none",
    )
    physician = team["physician"]
    values = {
        "stay_id": stay.pk,
        "version": 1,
        "status": "draft",
        "starts_on": starts_on,
        "working_days_per_week": working_days,
        "hours_per_day": hours,
        "last_day": computed.last_day,
        "activities_to_avoid": rng.choice(("Keine Nachtschicht, keine Überstunden.", "Kein Heben über 10 kg.", "")),
        "supporting_measures": "",
        "payer": "",
        "created_by": physician,
        "created_at": at(created, dt.time(15, 0)),
    }
    consents = []  # (party, state, on, signed_by, reason, by)
    tasks = []  # (kind, due_on, note)
    employer = rng.choice(EMPLOYER_SIGNERS)
    if plan.status == "discharged":
        asked = min(created + days(rng.randint(1, 3)), last)
        outcome = rng.choices(("submitted", "approved", "not_started"), (55, 33, 12))[0]
        consents.append(("employee", "given", created, "", "", physician))
        if outcome == "not_started":
            reason = "Arbeitgeber lehnt eine stufenweise Wiedereingliederung vorerst ab; erneutes Gespräch vereinbart."
            consents.append(("employer", "refused", asked, employer, reason, team["social_worker"]))
            values.update(status="not_started", end_reason=reason)
            tasks.append(("talk_again", hamburg.talk_again_on(asked), reason))
        else:
            approved_by_physician = min(asked + days(1), last)
            consents.append(("employer", "given", asked, employer, "", team["social_worker"]))
            consents.append(("physician", "given", approved_by_physician, "", "", physician))
            submitted = max(approved_by_physician, last - days(rng.randint(0, 2)))
            counseled = max(created, submitted - days(rng.randint(1, 5)))
            values.update(
                status="submitted",
                payer=hamburg.determine_payer(case, starts_on).payer,
                on_sick_leave=True,
                partial_work_possible=True,
                workplace_allows=True,
                prerequisites_by=physician,
                counseled_on=counseled,
                counseling_topics=[key for key, _label in hamburg.COUNSELING_TOPICS],
                submitted_on=submitted,
            )
            if outcome == "approved" and submitted < last:
                approved = submitted + days(rng.randint(1, (last - submitted).days))
                values.update(status="approved", approved_on=approved, approval_reference=f"GR-{stay.pk:07d}")
    elif rng.random() < 0.6:
        consents.append(("employee", "given", created, "", "", physician))
        if created + days(2) <= last and rng.random() < 0.6:
            consents.append(("employer", "given", created + days(2), employer, "", team["social_worker"]))
        values["status"] = "consents_pending"
    return {"values": values, "steps": steps, "consents": consents, "tasks": tasks, "computed": computed}


def _write_graded(writer, graded: list[dict]) -> dict[int, dict]:
    """The plans with steps, consents and tasks; returns stay pk → plan spec (with ``plan``) for the letters."""
    from reintegration import hamburg
    from reintegration.models import GradedReturnPlan, PlanConsent, PlanStep, PlanTask

    plans = [Row(**spec["values"]) for spec in graded]
    ids = reserve_ids(GradedReturnPlan, len(plans))
    steps, consents, tasks = [], [], []
    for plan, pk, spec in zip(plans, ids, graded, strict=True):
        plan.pk = pk
        spec["plan"] = plan
        for position, step in enumerate(spec["steps"], start=1):
            steps.append(
                Row(
                    plan_id=pk,
                    position=position,
                    weeks=step.weeks,
                    days=step.days,
                    pattern=hamburg.pattern_to_json(step.pattern),
                    activities=step.activities,
                    restrictions="",
                )
            )
        for party, state, on, signed_by, reason, by in spec["consents"]:
            consents.append(
                Row(
                    plan_id=pk,
                    party=party,
                    state=state,
                    on=on,
                    signed_by=signed_by,
                    reason=reason,
                    recorded_by=by,
                    recorded_at=at(on, dt.time(12, 0)),
                )
            )
        for kind, due_on, note in spec["tasks"]:
            tasks.append(Row(plan_id=pk, kind=kind, due_on=due_on, note=note[:300], created_at=plan.created_at))
    copy_objects(writer, GradedReturnPlan, plans)
    copy_objects(writer, PlanStep, steps)
    copy_objects(writer, PlanConsent, consents)
    copy_objects(writer, PlanTask, tasks)
    return {spec["values"]["stay_id"]: spec for spec in graded}


# --- return-to-work plan --------------------------------------------------------------------------------------------

STAKEHOLDERS = (
    ("employer", "employer", "employer", "Stimmt der Rückkehr zu, hält den Arbeitsplatz frei."),
    ("occupational_physician", "occupational_physician", "occupational_physician", "Begleitet die Rückkehr."),
)


def _write_rtw(writer, rtw: list[dict]) -> dict[int, dict]:
    from reintegration.models import RtwPlan, RtwStakeholder, RtwStep

    plans = []
    for spec in rtw:
        agreed = spec["agreed"]
        plans.append(
            Row(
                stay_id=spec["stay"].pk,
                version=1,
                status="agreed" if agreed else "draft",
                integration_goal=spec["goal"],
                goal_detail=RTW_GOALS[spec["goal"]],
                agreed_on=agreed,
                note="",
                created_by=spec["by"],
                created_at=at(spec["drafted"], dt.time(13, 0)),
            )
        )
    ids = reserve_ids(RtwPlan, len(plans))
    steps, stakeholders = [], []
    for plan, pk, spec in zip(plans, ids, rtw, strict=True):
        plan.pk = pk
        spec["row"] = plan
        spec["step_rows"] = []
        spec["stakeholder_rows"] = []
        for position, (text, after, responsible) in enumerate(spec["steps"], start=1):
            step = Row(
                plan_id=pk,
                position=position,
                text=text,
                due_on=spec["plan"].discharge + days(after),
                responsible=responsible,
            )
            steps.append(step)
            spec["step_rows"].append(step)
        on = spec["agreed"] or spec["drafted"]
        for kind, consent_kind, contact_kind, role in STAKEHOLDERS:
            consent = spec["consents"].get(consent_kind)
            if consent is None or consent.given_on > on or (consent.withdrawn_on and consent.withdrawn_on <= on):
                continue
            contact = spec["contacts"].get(contact_kind)
            row = Row(
                plan_id=pk, kind=kind, contact_id=contact.pk if contact else None, consent_id=consent.pk, role=role
            )
            row.contact_label = (contact.organisation or contact.person) if contact else ""
            stakeholders.append(row)
            spec["stakeholder_rows"].append(row)
    copy_objects(writer, RtwPlan, plans)
    copy_objects(writer, RtwStep, steps)
    copy_objects(writer, RtwStakeholder, stakeholders)
    return {spec["stay"].pk: spec for spec in rtw}


# --- discharge letter -----------------------------------------------------------------------------------------------


def _letter_values(rng, options, plan, stay, team, compliant, contacts) -> dict:
    """What one letter says and when it was drafted / signed (``signed`` None: still a draft)."""
    today = options.today
    physician = team["physician"]
    last = plan.last_day(today)
    drafted = max(plan.admission, min(last, plan.discharge - days(rng.randint(2, 5))))
    signed = None
    if plan.status == "discharged":
        overdue = (today - plan.discharge).days >= 5
        draft_share = 0.02 + 0.2 * (1 - plan.compliance) if overdue else 0.35
        if rng.random() >= draft_share:
            signed = max(drafted, plan.discharge - days(rng.choice((0, 0, 1, 1, 2, 3))))
    main = rng.choice(DIAGNOSES)
    diagnoses = [{"code": main[0], "text": main[1]}]
    diagnoses += [{"code": c, "text": t} for c, t in rng.sample(SECONDARY, rng.randint(0, 2))]
    last_job = rng.choices(("6_plus", "3_to_6", "below_3"), (78, 17, 5))[0]
    market = last_job if last_job == "6_plus" or rng.random() < 0.3 else "6_plus"
    limited = last_job != "6_plus" or market != "6_plus"
    recommended = last_job != "6_plus" and (compliant or rng.random() < 0.3)
    family_doctor = contacts.get("family_doctor")
    if family_doctor is not None:
        lines = [
            family_doctor.organisation,
            family_doctor.person,
            family_doctor.street,
            f"{family_doctor.postal_code} {family_doctor.city}".strip(),
        ]
        recipient = "\n".join(line for line in lines if line)
    else:
        recipient = f"Hausarztpraxis {rng.choice(DOCTORS)}"
    return {
        "plan": plan,
        "stay": stay,
        "physician": physician,
        "drafted": drafted,
        "signed": signed,
        "copies": signed is not None and (compliant or rng.random() < 0.3),
        "handed_over": rng.random() < 0.9,
        "values": {
            "recipient": recipient,
            "diagnoses": diagnoses,
            "ability_last_job": last_job,
            "ability_general_market": market,
            "positive_profile": rng.choice(POSITIVE),
            "negative_profile": rng.choice(NEGATIVE),
            "appraisal_detail": APPRAISAL if limited else "",
            "vocational_rehab_recommended": recommended,
            "vocational_rehab_reason": ""
            if recommended or last_job == "6_plus"
            else "Der Patient wünscht zunächst die Rückkehr an den bisherigen Arbeitsplatz mit Anpassungen.",
            "recommendations": "Reha-Nachsorge (Psy-RENA); "
            + (
                "Leistungen zur Teilhabe am Arbeitsleben beantragen."
                if recommended
                else "Rückkehr an den Arbeitsplatz."
            ),
        },
    }


_PDF_HEAD = b"%PDF-1.4\n"
_PDF_OBJECTS = (
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
    b"/Contents 4 0 R >>\nendobj\n",
)
_PDF_FONT = b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n"


def placeholder_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica, WinAnsi) with ``lines``: what a download of a synthetic letter shows."""
    text = b" ".join(
        b"("
        + line.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b") Tj T*"
        for line in lines
    )
    stream = b"BT /F1 11 Tf 56 780 Td 16 TL " + text + b" ET"
    content = b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(stream), stream)
    parts = (_PDF_HEAD, *_PDF_OBJECTS, content, _PDF_FONT)
    offsets, position = [], 0
    for part in parts:
        offsets.append(position)
        position += len(part)
    xref = b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets[1:])
    trailer = b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % position
    return b"".join(parts) + xref + trailer


def _d(value: dt.date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _therapies(counted: list, until: dt.date) -> dict:
    """``documents_letter._therapies``'s shape from the counted attendances up to ``until``."""
    from therapy.models import SessionKind

    totals: dict[str, int] = {}
    for held_on, kind, minutes in counted:
        if held_on <= until:
            totals[kind] = totals.get(kind, 0) + minutes
    minutes = [[str(label), totals[kind]] for kind, label in SessionKind.choices if totals.get(kind)]
    return {"minutes": minutes, "total": sum(n for _label, n in minutes), "planned": []}


def _rtw_snapshot(spec: dict | None, until: dt.date) -> dict | None:
    from reintegration.models import IntegrationGoal, StakeholderKind

    if spec is None or spec["agreed"] is None or spec["agreed"] > until:
        return None
    return {
        "version": 1,
        "agreed_on": _d(spec["agreed"]),
        "goal": str(IntegrationGoal(spec["goal"]).label),
        "detail": RTW_GOALS[spec["goal"]],
        "steps": [{"text": s.text, "due_on": _d(s.due_on), "responsible": s.responsible} for s in spec["step_rows"]],
        "stakeholders": [
            {"kind": str(StakeholderKind(h.kind).label), "contact": h.contact_label, "role": h.role}
            for h in spec["stakeholder_rows"]
        ],
    }


def _hours(value) -> str:
    """``documents_letter._hours``: "7,5" in German."""
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if translation.get_language() == "de" else text


def _pattern_text(pattern) -> str:
    """``documents_letter._pattern_text``: "5 days × 4 h" in the clinic's language."""
    return ", ".join(
        gettext("%(days)s days × %(hours)s h") % {"days": entry.days, "hours": _hours(entry.hours)} for entry in pattern
    )


def _graded_snapshot(spec: dict | None, until: dt.date) -> dict | None:
    from reintegration.models import PlanStatus

    if spec is None or spec["plan"].created_at.date() > until:
        return None
    plan, computed = spec["plan"], spec["computed"]
    rows = [
        {
            "position": c.position,
            "from": _d(c.starts_on),
            "to": _d(c.ends_on),
            "pattern": _pattern_text(c.pattern),
            "weekly_hours": _hours(c.weekly_hours),
            "activities": c.activities,
            "restrictions": c.restrictions,
            "duration": "",
        }
        for c in computed.steps
    ]
    return {
        "version": plan.version,
        "status": str(PlanStatus(plan.status).label),
        "starts_on": _d(plan.starts_on),
        "hours_per_day": _hours(plan.hours_per_day),
        "working_days_per_week": plan.working_days_per_week,
        "computed": True,
        "last_day": _d(computed.last_day),
        "full_time_from": _d(computed.full_time_from),
        "total_weeks": _hours(computed.total_weeks),
        "steps": rows,
        "activities_to_avoid": plan.activities_to_avoid,
    }


def _course(plan) -> str:
    """``services.letter._course`` of a stay with its (planned or actual) discharge date."""
    return gettext("Inpatient work-related medical rehabilitation from %(start)s to %(end)s (%(days)s days).") % {
        "start": _d(plan.admission),
        "end": _d(plan.discharge),
        "days": (plan.discharge - plan.admission).days + 1,
    }


def _write_letters(writer, letters: list[dict], counted: dict, rtw_rows: dict, graded_rows: dict) -> None:
    from patients.models import Document, DocumentKind
    from reintegration.models import DischargeLetter

    letter_ids = reserve_ids(DischargeLetter, len(letters))
    signed = [spec for spec in letters if spec["signed"] is not None]
    with_copies = [spec for spec in signed if spec["copies"]]
    document_ids = iter(reserve_ids(Document, len(signed) + 2 * len(with_copies)))
    rows, documents = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for spec, pk in zip(letters, letter_ids, strict=True):
            plan, stay, physician = spec["plan"], spec["stay"], spec["physician"]
            values = spec["values"]
            kinds = {kind for _on, kind, _n in counted.get(stay.pk, ())}
            therapies = ["Arbeitsbezogene Einzelpsychotherapie", "Physiotherapie"]
            if "individual_counseling" in kinds or "group_counseling" in kinds:
                therapies.insert(0, "Psychosoziale Einzel- und Gruppenberatung")
            if "work_group" in kinds:
                therapies.append("berufsbezogene Gruppen")
            if "workplace_training" in kinds:
                therapies.append("Arbeitsplatztraining")
            letter = Row(
                pk=pk,
                stay_id=stay.pk,
                version=1,
                status="draft",
                course=_course(plan),
                goals_summary="",
                therapies_summary=", ".join(therapies) + ".",
                record_snapshot={},
                created_by=physician,
                created_at=at(spec["drafted"], dt.time(10, 0)),
                lock_version=0,
                **values,
            )
            on = spec["signed"]
            if on is not None:
                letter.status, letter.signed_on, letter.signed_by = "signed", on, physician
                letter.record_snapshot = {
                    "template_version": TEMPLATE_VERSION,
                    "read_on": on.isoformat(),
                    "therapies": _therapies(counted.get(stay.pk, ()), on),
                    "comparison": None,
                    "rtw_plan": _rtw_snapshot(rtw_rows.get(stay.pk), on),
                    "graded_plan": _graded_snapshot(graded_rows.get(stay.pk), on),
                }
                facts = {
                    "kind": DocumentKind.DISCHARGE_LETTER.value,
                    "template_version": TEMPLATE_VERSION,
                    "letter_id": pk,
                    "version": 1,
                    "ability_last_job": values["ability_last_job"],
                    "ability_general_market": values["ability_general_market"],
                    "vocational_rehab_recommended": values["vocational_rehab_recommended"],
                    "appraisal_detailed": bool(values["appraisal_detail"]),
                    "diagnoses": [d["code"] for d in values["diagnoses"]],
                    "sections": list(SECTION_KEYS),
                    "synthetic_placeholder": True,
                }
                document = _document(
                    next(document_ids),
                    stay,
                    DocumentKind.DISCHARGE_LETTER.value,
                    f"discharge-letter-{stay.number}-v1-{on:%Y-%m-%d}.pdf",
                    ["Entlassungsbericht", f"Version 1, unterschrieben am {_d(on)}"],
                    facts,
                    physician,
                    at(on, dt.time(16, 0)),
                )
                documents.append(document)
                letter.document_id = document.pk
                if spec["copies"]:
                    for n in (1, 2):
                        documents.append(
                            _document(
                                next(document_ids),
                                stay,
                                DocumentKind.DISCHARGE_LETTER_COPY.value,
                                f"discharge-letter-{stay.number}-v1-{on:%Y-%m-%d}-copy-{n}.pdf",
                                ["Entlassungsbericht", f"Exemplar {n} zur Weitergabe durch den Patienten"],
                                {
                                    "kind": DocumentKind.DISCHARGE_LETTER_COPY.value,
                                    "letter_id": pk,
                                    "version": 1,
                                    "copy": n,
                                    "synthetic_placeholder": True,
                                },
                                physician,
                                at(on, dt.time(16, 5)),
                            )
                        )
                    if spec["handed_over"]:
                        letter.copies_handed_over_on = plan.discharge
                        letter.copies_handed_over_by = physician
            rows.append(letter)
    copy_objects(writer, Document, documents)
    copy_objects(writer, DischargeLetter, rows)


def _document(pk, stay, kind, filename, lines, facts, by, created_at):

    content = placeholder_pdf(
        [
            "Synthetischer Datensatz (Benchmark) - Platzhalter, kein gerendertes Dokument",
            f"Aufenthalt {stay.number}",
            *lines,
        ]
    )
    return Row(
        pk=pk,
        stay_id=stay.pk,
        kind=kind,
        filename=filename,
        content_type="application/pdf",
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        facts=facts,
        created_by=by,
        created_at=created_at,
    )
