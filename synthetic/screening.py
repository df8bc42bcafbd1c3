"""Synthetic screening and WMR assignment (issue 10): per stay the journey ``screening.services`` records —
a scored ``ScreeningResult`` (patient link before admission, or paper / staff entry on day 1–2), a ``NeedAssessment``
when a WMR stay's screening is not positive (A-3), the ``MotivationRecord`` (A-5), the physician's
``ContraindicationCheck`` (A-4), the ``AssignmentDecision`` (A-6: WMR stays assigned, the others not) and, for some
WMR stays that were first coded 3100, the §301 ``CodeCorrection`` (D-3). See ``synthetic.core`` for the frame.

Per facility (``prepare``): the shipped SIMBO-C DEMO-1 instrument version (reused when present, as
``screening.demo`` does), one ``ScreeningSetting`` per department (preset simbo_27, due by day 7), and a pool of
answer sets scored once with the real engine, by age band and result, so every stored result is exactly what
``result_record`` would have stored for its answers (the age answer is the patient's own; its points depend only on
the band).

Non-compliant stays (``rng.random() > plan.compliance``) screen late or not at all and decide late, so the
screening-at-start and week-1 code indicators vary. Hands on ``chunk.extra["screening.decisions"]`` (stay pk →
``AssignmentDecision``; absent when none yet).
"""

from __future__ import annotations

import datetime as dt

from synthetic.core import days, plan_stays
from synthetic.people import at, insert

NAME = "screening"

INSTRUMENT = "simbo_c_demo_1"
PRESET = "simbo_27"
AGE_BANDS = ((18, 39), (40, 49), (50, 59), (60, 100))
NEED_REASONS = (
    "Drohender Arbeitsplatzverlust, im Aufnahmegespräch deutlich geworden.",
    "Langzeit-AU mit Konflikten am Arbeitsplatz; Screening unterschätzt die berufliche Problemlage.",
    "Patientin/Patient berichtet massive Überforderung im Beruf und Angst vor der Rückkehr.",
    "Rückkehr an den Arbeitsplatz unklar, Arbeitgeber drängt auf Klärung.",
)
NOT_ASSIGN_REASONS = (
    "Kein beruflicher Bezug der Beschwerden erkennbar; Schwerpunkt Psychotherapie.",
    "Berentung beantragt, keine Rückkehr an den Arbeitsplatz geplant.",
    "Patient lehnt berufsbezogene Angebote derzeit ab.",
)
NOT_POSSIBLE_REASONS = ("Sprachbarriere, kein Dolmetscher verfügbar.", "Akute Krise bei Aufnahme.")
PARTICIPANTS = "Ärztin/Arzt, Bezugstherapeut/in, Sozialdienst"
MOTIVATION_WMR = (("motivated", 80), ("ambivalent", 17), ("not_motivated", 3))
MOTIVATION_OTHER = (("motivated", 35), ("ambivalent", 40), ("not_motivated", 25))


def _weighted(rng, table) -> str:
    x = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


def _answers(rng, definition: dict, band: tuple[int, int], high: bool) -> dict:
    """Answers leaning towards many points (``high``) or few."""
    answers = {}
    for item in definition["items"]:
        kind = item["type"]
        if item["code"] == "age":
            answers["age"] = rng.randint(*band)
        elif kind == "choice":
            options = sorted(item["options"], key=lambda o: o["points"])
            half = len(options) // 2
            answers[item["code"]] = rng.choice(options[half:] if high else options[: half + 1])["code"]
        elif kind == "yes_no":
            answers[item["code"]] = "yes" if (rng.random() < 0.8) == high else "no"
        elif kind == "integer":
            low, top = item["min"], item["max"]
            middle = (low + top) // 2
            answers[item["code"]] = rng.randint(middle, top) if high else rng.randint(low, middle)
    return answers


def _stored(scored) -> dict:
    """The ScreeningResult fields ``result_record`` derives from a score."""
    return {
        "answers": scored.answers,
        "item_points": {code: str(points) for code, points in scored.item_points.items()},
        "scales": {code: (None if value is None else str(value)) for code, value in scored.scales.items()},
        "total": scored.total,
        "rule": scored.rule_applied,
        "status": scored.status,
        "missing": list(scored.missing),
    }


_POOLS: dict[str, dict] = {}  # the pool is pure (definition, rule, seed): scored once per process


def _pool(definition: dict, rule: dict, seed: int) -> dict[tuple[int, str], list[dict]]:
    """(age band index, "positive" | "negative") → scored answer sets (about 25 each)."""
    import json
    import random

    from screening.instruments.engine import score

    key = json.dumps([definition["code"], definition["version"], rule, seed], sort_keys=True)
    if key in _POOLS:
        return _POOLS[key]
    rng = random.Random(f"{seed}/screening/pool")
    pool: dict[tuple[int, str], list[dict]] = {}
    for index, band in enumerate(AGE_BANDS):
        for high in (True, False):
            for _ in range(25):
                stored = _stored(score(definition, _answers(rng, definition, band, high), rule))
                pool.setdefault((index, stored["status"]), []).append(stored)
    _POOLS[key] = pool
    return pool


def prepare(options, writer, fctx) -> None:
    from patients.models import DepartmentCode
    from screening.instruments.loader import load_definition
    from screening.models import InstrumentVersion, ScreeningSetting
    from screening.services.instruments import _apply, preset_rule

    definition = load_definition(INSTRUMENT)
    instrument = InstrumentVersion.objects.filter(code=definition["code"], version=definition["version"]).first()
    if instrument is None:
        instrument = InstrumentVersion(created_by=fctx.management)
        _apply(instrument, definition)
        instrument.save()
        writer.rows[InstrumentVersion._meta.db_table] += 1
    rule = preset_rule(instrument, PRESET)
    plans = plan_stays(options, fctx.index)
    effective_from = (plans[0].admission if plans else options.today) - days(60)
    settings = [
        ScreeningSetting(
            facility_id=fctx.facility.pk,
            department_code=code,
            instrument=instrument,
            preset_code=PRESET,
            rule=rule,
            screening_due_day=7,
            effective_from=effective_from,
            created_by=fctx.management,
            created_at=at(effective_from, 60),
        )
        for code in (DepartmentCode.PSYCHOSOMATICS, DepartmentCode.WMR_INPATIENT)
    ]
    writer.insert(settings)
    fctx.extra["screening.instrument"] = instrument
    fctx.extra["screening.rule"] = rule
    fctx.extra["screening.pool"] = _pool(instrument.definition, rule, options.seed)


def _band(age: int) -> int:
    return next((i for i, (low, high) in enumerate(AGE_BANDS) if low <= age <= high), 0)


def seed_chunk(options, writer, chunk) -> None:
    from screening.models import (
        AssignmentDecision,
        CodeCorrection,
        ContraindicationCheck,
        MotivationRecord,
        NeedAssessment,
        ScreeningResult,
    )

    rng = chunk.rng(options.seed, NAME)
    fctx = chunk.facility
    instrument = fctx.extra["screening.instrument"]
    pool = fctx.extra["screening.pool"]
    today = options.today
    results, needs, motivations, checks, decisions, corrections = [], [], [], [], [], []
    # per stay: (stay, plan, result, need, motivation, check, decision) filled below, linked after the inserts
    journeys = []
    for plan, stay, patient in zip(chunk.plans, chunk.stays, chunk.patients, strict=True):
        team = chunk.team[stay.pk]
        therapist, physician = team["primary_therapist"], team["physician"]
        last = plan.last_day(today)
        compliant = rng.random() <= plan.compliance
        age = plan.admission.year - patient.birth_date.year
        want = "positive" if rng.random() < (0.8 if plan.wmr else 0.15) else "negative"
        journey = {"stay": stay, "plan": plan}
        journeys.append(journey)

        # the screening: on the patient link before admission, else on paper / by staff in the first days
        result = None
        link_day = patient.created_at.date() + days(rng.randint(2, 14))
        if rng.random() < 0.35 and link_day < plan.admission and link_day < today:
            result = ScreeningResult(stay_id=stay.pk, instrument=instrument, channel="patient_link")
            moment = at(link_day, rng.randrange(600))
        elif last is not None and last >= plan.admission:
            day = rng.randint(1, 2) if compliant else (rng.randint(8, 14) if rng.random() < 0.5 else None)
            if day is not None and plan.day(day) <= last:
                channel = "paper" if rng.random() < 0.6 else "staff"
                result = ScreeningResult(stay_id=stay.pk, instrument=instrument, channel=channel, entered_by=therapist)
                moment = at(plan.day(day), rng.randrange(540))
        if result is not None:
            result.started_at = moment - dt.timedelta(minutes=rng.randint(4, 25))
            result.completed_at = result.created_at = moment
            if result.channel != "patient_link" and rng.random() < 0.015:  # as result_not_possible stores it
                result.channel, result.started_at = "staff", None
                result.status = "not_possible"
                result.not_possible_reason = rng.choice(NOT_POSSIBLE_REASONS)
            else:
                options_ = pool.get((_band(age), want)) or pool.get((_band(age), "negative")) or pool[(0, "positive")]
                stored = dict(rng.choice(options_))
                stored["answers"] = {**stored["answers"], "age": min(100, max(18, age))}
                for name, value in stored.items():
                    setattr(result, name, value)
                result.preset_code = PRESET
            results.append(result)
            journey["result"] = result
        if last is None or last < plan.day(2):
            continue  # invited, or admitted today or yesterday: the team has not assessed yet

        # admission interviews (day 1–3): motivation, the physician's check, and for a WMR stay without a positive
        # screening by the decision the need found in an interview; the decision by day 5 when compliant
        motivation_on = min(plan.day(rng.randint(1, 3)), last)
        check_on = min(plan.day(rng.randint(1, 3)), last)
        need_on = min(plan.day(rng.randint(1, 3)), last)
        decided = max(motivation_on, check_on, need_on, plan.day(2))
        decided += days(rng.randint(0, 2) if compliant else rng.randint(5, 10))

        def positive_by(day, _result=result):
            return _result is not None and _result.status == "positive" and _result.completed_at.date() <= day

        if plan.wmr and not positive_by(min(decided, last)):
            by_physician = rng.random() < 0.4
            need = NeedAssessment(
                stay_id=stay.pk,
                source="medical_admission_interview" if by_physician else "primary_therapist_interview",
                assessed_on=need_on,
                reason=rng.choice(NEED_REASONS),
                author=physician if by_physician else therapist,
                created_at=at(need_on, rng.randrange(540)),
            )
            needs.append(need)
            journey["need"] = need
        motivation = MotivationRecord(
            stay_id=stay.pk,
            motivation=_weighted(rng, MOTIVATION_WMR if plan.wmr else MOTIVATION_OTHER),
            recorded_on=motivation_on,
            author=therapist,
            created_at=at(motivation_on, rng.randrange(540)),
        )
        motivations.append(motivation)
        journey["motivation"] = motivation
        findings = []
        if not plan.wmr and rng.random() < 0.3:
            findings = [rng.choice(("unrealistic_rtw_prospect", "medical_instability"))]
        check = ContraindicationCheck(
            stay_id=stay.pk,
            checked_on=check_on,
            findings=findings,
            physician=physician,
            created_at=at(check_on, rng.randrange(540)),
        )
        checks.append(check)
        journey["check"] = check
        if decided > last:
            continue
        reason = ""
        if plan.wmr and not positive_by(decided):
            reason = "Bedarf aus dem Aufnahmegespräch (Empfehlung 2.2)."
        elif not plan.wmr and positive_by(decided):
            reason = rng.choice(NOT_ASSIGN_REASONS)
        decision = AssignmentDecision(
            stay_id=stay.pk,
            decision="assign" if plan.wmr else "not_assign",
            decided_on=decided,
            effective_from=decided,
            reason=reason,
            participants=PARTICIPANTS,
            is_switch=False,
            decided_by=therapist,
            created_at=at(decided, rng.randrange(540)),
        )
        decisions.append(decision)
        journey["decision"] = decision
        # some WMR stays were planned as 3100: the §301 code is corrected (mostly in week 1)
        if plan.wmr and rng.random() < 0.2:
            corrected = decided + days(rng.randint(0, 3) if compliant else rng.randint(4, 9))
            if corrected <= last:
                correction = CodeCorrection(
                    stay_id=stay.pk,
                    from_code="3100",
                    to_code="3197",
                    corrected_on=corrected,
                    reference=f"301-{stay.number}",
                    recorded_by=therapist,
                    created_at=at(corrected, rng.randrange(540)),
                )
                corrections.append(correction)
                journey["correction"] = correction

    insert(writer, results)
    insert(writer, needs)
    insert(writer, motivations)
    insert(writer, checks)
    for journey in journeys:
        decision = journey.get("decision")
        if decision is None:
            continue
        result = journey.get("result")  # the latest result on or before the decision, as decision_record links it
        if result is not None and result.completed_at.date() <= decision.decided_on:
            decision.screening_id = result.pk
        if "need" in journey and not (decision.screening_id and result.status == "positive"):
            decision.need_assessment_id = journey["need"].pk
        decision.motivation_id = journey["motivation"].pk
        decision.contraindication_check_id = journey["check"].pk
    insert(writer, decisions)
    for journey in journeys:
        if "correction" in journey:
            journey["correction"].decision_id = journey["decision"].pk
    writer.copy(corrections)
    chunk.extra["screening.decisions"] = {j["stay"].pk: j["decision"] for j in journeys if "decision" in j}
