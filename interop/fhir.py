"""FHIR R4 export of one stay: a Bundle (type "collection") built from a loaded ``interop.selectors.StayRecord``.

Pure mapping: no ORM query, no request, no clock (``now`` and ``today`` are parameters). Every resource is built
as a model of ``fhir.resources.R4B`` (FHIR 4.3.0, the R4-compatible release: the resources used here — Patient,
EpisodeOfCare, Questionnaire, QuestionnaireResponse, Goal, CarePlan, Consent, DocumentReference — have the R4 shape;
the package's default models are R5, where Consent and DocumentReference differ), so a field the standard does not
know, a wrong date or a missing required element fails here, not at the receiver.

Ids are deterministic (uuid5 over the object's kind and primary key in a namespace derived from the installation's
base URL) and entries reference each other by ``urn:uuid:`` full URLs, so two exports of the same data differ only
in ``meta.lastUpdated`` and the bundle's ``timestamp``. Identifiers use the clinic's own systems under
``<PUBLIC_BASE_URL>/fhir/sid/…``; the facility is referenced by its IK number (``http://fhir.de/sid/arge-ik/iknr``),
the health-insurance number uses ``http://fhir.de/sid/gkv/kvid-10``. Documents are referenced by their download URL
with size and the SHA-1 FHIR asks for (the SHA-256 the app keeps rides in an extension); their bytes only with
``include_content``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from diagnostics.instruments.definition import DEMAND, Definition, definition_from_dict
from goals.models import AgreementStatus, Outcome
from interop.selectors import StayRecord
from patients.models import Sex, StayStatus
from reintegration import hamburg
from reintegration.models import PlanStatus
from reintegration.services.plan import plan_input
from screening.models import ResultStatus

FHIR_VERSION = "4.3.0"  # R4B
IK_SYSTEM = "http://fhir.de/sid/arge-ik/iknr"
KVID_SYSTEM = "http://fhir.de/sid/gkv/kvid-10"
LOINC = "http://loinc.org"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# Order of the entries in the bundle and of the counts the command prints.
RESOURCE_TYPES = (
    "Patient",
    "EpisodeOfCare",
    "Questionnaire",
    "QuestionnaireResponse",
    "Goal",
    "CarePlan",
    "Consent",
    "DocumentReference",
)

EPISODE_STATUS = {StayStatus.INVITED: "planned", StayStatus.ADMITTED: "active", StayStatus.DISCHARGED: "finished"}
GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.DIVERSE: "other", Sex.UNKNOWN: "unknown"}
SCREENING_STATUS = {
    ResultStatus.POSITIVE: "completed",
    ResultStatus.NEGATIVE: "completed",
    ResultStatus.INCOMPLETE: "in-progress",
    ResultStatus.NOT_POSSIBLE: "stopped",
}
GOAL_LIFECYCLE = {
    AgreementStatus.DRAFT: "proposed",
    AgreementStatus.AGREED: "active",
    AgreementStatus.SUPERSEDED: "cancelled",
}
GOAL_ACHIEVED = {Outcome.ACHIEVED: "achieved", Outcome.PARTLY: "improving", Outcome.NOT_ACHIEVED: "not-achieved"}
CAREPLAN_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.CONSENTS_PENDING: "draft",
    PlanStatus.READY: "draft",
    PlanStatus.SUBMITTED: "draft",
    PlanStatus.APPROVED: "active",
    PlanStatus.RUNNING: "active",
    PlanStatus.INTERRUPTED: "on-hold",
    PlanStatus.COMPLETED: "completed",
    PlanStatus.ABORTED: "revoked",
    PlanStatus.NOT_STARTED: "revoked",
    PlanStatus.SUPERSEDED: "revoked",
}
PLANNED = (PlanStatus.DRAFT, PlanStatus.CONSENTS_PENDING, PlanStatus.READY, PlanStatus.SUBMITTED, PlanStatus.APPROVED)


class Export:
    """The systems, ids and references of one export (one installation's base URL, one stay)."""

    def __init__(self, base_url: str, record: StayRecord, now: dt.datetime):
        self.base = base_url.rstrip("/")
        self.fhir = f"{self.base}/fhir"
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, self.fhir)
        self.record = record
        self.meta = {"lastUpdated": _instant(now)}
        stay = record.stay
        self.patient_ref = {"reference": self.full_url("patient", stay.patient_id), "type": "Patient"}
        self.episode_ref = {"reference": self.full_url("stay", stay.pk), "type": "EpisodeOfCare"}
        facility = stay.facility
        self.facility_ref = {
            "type": "Organization",
            "identifier": {"system": IK_SYSTEM, "value": facility.ik_number},
            "display": facility.name,
        }

    def uid(self, kind: str, key: Any) -> str:
        return str(uuid.uuid5(self.namespace, f"{kind}:{key}"))

    def full_url(self, kind: str, key: Any) -> str:
        return f"urn:uuid:{self.uid(kind, key)}"

    def sid(self, name: str) -> str:
        return f"{self.fhir}/sid/{name}"

    def code_system(self, name: str) -> str:
        return f"{self.fhir}/CodeSystem/{name}"

    def identifier(self, name: str, value: Any) -> dict:
        return {"system": self.sid(name), "value": str(value)}

    def coding(self, system: str, code: str, display: str = "") -> dict:
        coding = {"system": self.code_system(system), "code": str(code)}
        if display:
            coding["display"] = str(display)
        return coding


def _instant(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _user(user) -> dict | None:
    return {"display": user.display_name} if user is not None else None


def _clean(data: dict) -> dict:
    """Drop empty values (FHIR forbids empty strings, lists and objects)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _prune(node: Any) -> Any:
    """Recursively drop blank strings and the lists and objects left empty (FHIR forbids them: a note of spaces
    would fail the model's string pattern and the whole export)."""
    if isinstance(node, dict):
        pruned = {key: _prune(value) for key, value in node.items()}
        return {key: value for key, value in pruned.items() if value is not None} or None
    if isinstance(node, list):
        pruned = [_prune(value) for value in node]
        return [value for value in pruned if value is not None] or None
    if isinstance(node, str):
        return node if node.strip() else None
    return node


def _text(de: str, en: str, language: str) -> str:
    return en if language == "en" else de


def _computable(*parts: str) -> str:
    """A FHIR "computable name": letters, digits and underscores, starting with a capital letter."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", "_".join(parts)).strip("_")
    return (name[:1].upper() + name[1:]) or "Questionnaire"


# --- Patient and EpisodeOfCare ------------------------------------------------------------------------------------


def patient(x: Export) -> dict:
    p = x.record.stay.patient
    identifiers = [{"use": "usual", **x.identifier("patient", p.pk), "assigner": x.facility_ref}]
    if p.kvnr:
        identifiers.append({"system": KVID_SYSTEM, "value": p.kvnr})
    if p.pension_insurance_number:
        identifiers.append(x.identifier("pension-insurance-number", p.pension_insurance_number))
    telecom = [
        {"system": system, "value": value} for system, value in (("phone", p.phone), ("email", p.email)) if value
    ]
    address = _clean({"line": [p.street] if p.street else None, "postalCode": p.postal_code, "city": p.city})
    return _clean(
        {
            "resourceType": "Patient",
            "identifier": identifiers,
            "active": True,
            "name": [{"use": "official", "family": p.last_name, "given": [p.first_name]}],
            "telecom": telecom,
            "gender": GENDER.get(p.sex, "unknown"),
            "birthDate": _date(p.birth_date),
            "address": [{"use": "home", **address, "country": "DE"}] if address else None,
            "managingOrganization": x.facility_ref,
        }
    )


def episode_of_care(x: Export) -> dict:
    stay = x.record.stay
    period = {"start": _date(stay.admission_date)}
    if stay.status == StayStatus.DISCHARGED and stay.discharge_date:
        period["end"] = _date(stay.discharge_date)
    return {
        "resourceType": "EpisodeOfCare",
        "identifier": [x.identifier("stay-number", stay.number)],
        "status": EPISODE_STATUS.get(stay.status, "planned"),
        "type": [
            {"coding": [x.coding("department-code", stay.department_code, stay.get_department_code_display())]},
            {"coding": [x.coding("payer", stay.payer, stay.get_payer_display())]},
        ],
        "patient": x.patient_ref,
        "managingOrganization": x.facility_ref,
        "period": period,
    }


# --- screenings ---------------------------------------------------------------------------------------------------


def _screening_url(x: Export, instrument) -> str:
    name = "-".join(filter(None, (instrument.code, instrument.variant)))
    return f"{x.fhir}/Questionnaire/screening-{name}"


def _screening_item(x: Export, item: dict, system: str, language: str) -> dict:
    text = _text(item.get("label_de", ""), item.get("label_en", ""), language)
    question = {"linkId": item["code"], "text": text or item["code"]}
    kind = item.get("type")
    if kind == "yes_no":
        question["type"] = "boolean"
    elif kind == "integer":
        question["type"] = "integer"
        question["extension"] = [
            {"url": MIN_VALUE, "valueInteger": int(item["min"])},
            {"url": MAX_VALUE, "valueInteger": int(item["max"])},
        ]
    elif kind == "choice":
        question["type"] = "choice"
        question["answerOption"] = [
            {
                "valueCoding": {
                    "system": system,
                    "code": option["code"],
                    "display": _text(option.get("label_de", ""), option.get("label_en", ""), language),
                }
            }
            for option in item.get("options", [])
        ]
    else:
        question["type"] = "string"
    return question


def screening_questionnaire(x: Export, instrument, language: str) -> dict:
    definition = instrument.definition or {}
    url = _screening_url(x, instrument)
    system = f"{url}/options"
    items = [_screening_item(x, item, system, language) for item in definition.get("items", [])]
    items.append({"linkId": "total", "text": _("Score"), "type": "decimal", "readOnly": True})
    items.append(
        {
            "linkId": "result",
            "text": _("Result"),
            "type": "choice",
            "readOnly": True,
            "answerOption": [
                {"valueCoding": x.coding("screening-result", code, label)} for code, label in ResultStatus.choices
            ],
        }
    )
    return _clean(
        {
            "resourceType": "Questionnaire",
            "url": url,
            "version": instrument.version,
            "name": _computable("Screening", instrument.code, instrument.variant, instrument.version),
            "title": _text(instrument.name_de, instrument.name_en, language),
            "status": "active" if instrument.is_official else "draft",
            "experimental": not instrument.is_official,
            "subjectType": ["Patient"],
            "publisher": x.record.stay.facility.name,
            "copyright": instrument.licence_note,
            "item": items,
        }
    )


def _screening_answer(item: dict | None, value: Any, system: str) -> dict | None:
    kind = (item or {}).get("type")
    if value is None or value == "":
        return None
    if kind == "yes_no" or isinstance(value, bool):
        return {"valueBoolean": value in (True, "yes")}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "choice":
        return {"valueCoding": {"system": system, "code": str(value)}}
    if isinstance(value, int):
        return {"valueInteger": value}
    return {"valueString": str(value)}


def screening_response(x: Export, result, language: str) -> dict:
    instrument = result.instrument
    items = []
    if instrument is not None:
        definition_items = {item["code"]: item for item in (instrument.definition or {}).get("items", [])}
        system = f"{_screening_url(x, instrument)}/options"
        order = list(definition_items) + [code for code in result.answers if code not in definition_items]
        for code in order:
            if code not in result.answers:
                continue
            answer = _screening_answer(definition_items.get(code), result.answers[code], system)
            if answer is not None:
                items.append({"linkId": code, "answer": [answer]})
        if result.total is not None:
            items.append({"linkId": "total", "answer": [{"valueDecimal": Decimal(result.total)}]})
        items.append(
            {
                "linkId": "result",
                "answer": [{"valueCoding": x.coding("screening-result", result.status, result.get_status_display())}],
            }
        )
    status = SCREENING_STATUS.get(result.status, "completed")
    if result.corrects_id and status == "completed":
        status = "amended"  # a correction replaces an earlier result
    return _clean(
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": x.identifier("screening-result", result.pk),
            "questionnaire": f"{_screening_url(x, instrument)}|{instrument.version}" if instrument else None,
            "status": status,
            "subject": x.patient_ref,
            "authored": _instant(result.completed_at),
            "author": _user(result.entered_by),
            "source": x.patient_ref if result.channel == "patient_link" else None,
            "item": items,
        }
    )


# --- profiles (Mini-ICF-APP, capacity, demand) --------------------------------------------------------------------


def _scale_kind(profile_kind: str) -> str:
    return DEMAND if profile_kind == DEMAND else "capacity"  # G-5: capacity and self-ratings share a scale


def _profile_url(x: Export, instrument, scale_kind: str) -> str:
    return f"{x.fhir}/Questionnaire/profile-{instrument.code}-{scale_kind}"


def profile_questionnaire(x: Export, instrument, definition: Definition, scale_kind: str, language: str) -> dict:
    url = _profile_url(x, instrument, scale_kind)
    scale = definition.scale(scale_kind)
    options = [
        {"valueCoding": {"system": f"{url}/levels", "code": str(value), "display": label}}
        for value, label in scale.labels(language)
    ]
    return _clean(
        {
            "resourceType": "Questionnaire",
            "url": url,
            "version": instrument.version,
            "name": _computable("Profile", instrument.code, scale_kind, instrument.version),
            "title": f"{definition.name(language)} · {scale.name(language)}",
            "status": "active" if instrument.is_official else "draft",
            "experimental": not instrument.is_official,
            "subjectType": ["Patient"],
            "publisher": x.record.stay.facility.name,
            "copyright": instrument.licence_note,
            "item": [
                {
                    "linkId": dimension.code,
                    "prefix": str(dimension.number),
                    "text": dimension.name(language),
                    "type": "choice",
                    "answerOption": options,
                }
                for dimension in definition.dimensions
            ],
        }
    )


def profile_response(x: Export, profile, definition: Definition, language: str) -> dict:
    scale_kind = _scale_kind(profile.kind)
    url = _profile_url(x, profile.instrument, scale_kind)
    scale = definition.scale(scale_kind)
    current: dict[str, Any] = {}
    for rating in sorted(profile.ratings.all(), key=lambda r: (r.recorded_at, r.pk)):
        current[rating.dimension] = rating  # the newest row per dimension counts
    items = []
    for dimension in definition.dimensions:
        rating = current.get(dimension.code)
        if rating is None:
            continue  # not rated: no item (never 0)
        if rating.not_assessable:
            items.append({"linkId": dimension.code, "extension": [{"url": DATA_ABSENT, "valueCode": "not-performed"}]})
            continue
        code = {"system": f"{url}/levels", "code": str(rating.value), "display": scale.label(rating.value, language)}
        items.append({"linkId": dimension.code, "answer": [{"valueCoding": code}]})
    complete = len(current) == len(definition.dimensions)
    return _clean(
        {
            "resourceType": "QuestionnaireResponse",
            "identifier": x.identifier("profile", profile.pk),
            "questionnaire": f"{url}|{profile.instrument.version}",
            "status": "completed" if complete else "in-progress",
            "subject": x.patient_ref,
            "authored": _date(profile.rated_on),
            "author": _user(profile.created_by),
            "item": items,
        }
    )


# --- goals --------------------------------------------------------------------------------------------------------


def goals(x: Export) -> list[tuple[int, dict]]:
    agreement = x.record.agreement
    if agreement is None:
        return []
    latest: dict[int, Any] = {}
    for review in sorted(agreement.reviews.all(), key=lambda r: (r.reviewed_on, r.pk)):
        for outcome in review.outcomes.all():
            latest[outcome.goal_id] = outcome
    resources = []
    for goal in sorted(agreement.goals.all(), key=lambda g: (g.position, g.pk)):
        outcome = latest.get(goal.pk)
        achievement = GOAL_ACHIEVED.get(outcome.outcome) if outcome else None
        resources.append(
            (
                goal.pk,
                _clean(
                    {
                        "resourceType": "Goal",
                        "identifier": [x.identifier("goal", goal.pk)],
                        "lifecycleStatus": GOAL_LIFECYCLE.get(agreement.status, "proposed"),
                        "achievementStatus": {"coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]}
                        if achievement
                        else None,
                        "category": [{"coding": [x.coding("goal-area", goal.area, goal.get_area_display())]}],
                        "description": {"text": goal.text},
                        "subject": x.patient_ref,
                        "startDate": _date(agreement.agreed_on or agreement.written_on),
                        "target": [
                            {
                                "measure": {"text": _("measurable target")},
                                "detailString": goal.target,
                                "dueDate": _date(goal.review_on),
                            }
                        ],
                        "statusDate": _date(agreement.agreed_on),
                        "expressedBy": x.patient_ref if agreement.status == AgreementStatus.AGREED else None,
                        "note": [{"text": _("Responsible: %(who)s") % {"who": goal.responsible_display}}],
                    }
                ),
            )
        )
    return resources


# --- the graded return to work ------------------------------------------------------------------------------------


def _step_status(plan, step: hamburg.ComputedStep, today: dt.date) -> str:
    if plan.status in PLANNED:
        return "not-started" if plan.status == PlanStatus.DRAFT else "scheduled"
    if plan.status == PlanStatus.COMPLETED:
        return "completed"
    if plan.status in (PlanStatus.RUNNING, PlanStatus.INTERRUPTED):
        if step.ends_on < today:
            return "completed"
        if step.starts_on <= today:
            return "on-hold" if plan.status == PlanStatus.INTERRUPTED else "in-progress"
        return "scheduled"
    end = plan.failed_from or plan.actual_end
    if plan.status == PlanStatus.ABORTED and end and plan.actual_start:
        if step.ends_on < end:
            return "completed"
        return "stopped" if step.starts_on < end else "cancelled"
    return "cancelled"


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def care_plan(x: Export, today: dt.date) -> dict | None:
    plan = x.record.plan
    if plan is None:
        return None
    computed = hamburg.compute_plan(plan_input(plan))
    steps = sorted(plan.steps.all(), key=lambda s: s.position)
    activities = []
    for step, dates in zip(steps, computed.steps, strict=True):
        pattern = ", ".join(
            _("%(days)s days × %(hours)s h") % {"days": entry.days, "hours": _hours(entry.hours)}
            for entry in dates.pattern
        )
        description = "; ".join(text.strip() for text in (pattern, step.activities, step.restrictions) if text.strip())
        activities.append(
            {
                "detail": _clean(
                    {
                        "code": {"text": str(step)},
                        "status": _step_status(plan, dates, today),
                        "scheduledPeriod": {"start": _date(dates.starts_on), "end": _date(dates.ends_on)},
                        "description": description,
                    }
                )
            }
        )
    notes = [plan.activities_to_avoid, plan.supporting_measures, plan.note]
    return _clean(
        {
            "resourceType": "CarePlan",
            "identifier": [x.identifier("graded-return-plan", plan.pk)],
            "status": CAREPLAN_STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "category": [
                {"coding": [x.coding("care-plan-category", "graded-return-to-work", _("Graded return to work"))]}
            ],
            "title": str(plan),
            "subject": x.patient_ref,
            "period": _clean(
                {
                    "start": _date(plan.actual_start or plan.starts_on),
                    "end": _date(plan.actual_end or computed.last_day),
                }
            ),
            "created": _instant(plan.created_at),
            "supportingInfo": [x.episode_ref],
            "activity": activities,
            "note": [{"text": text} for text in notes if text],
        }
    )


# --- consents and documents ---------------------------------------------------------------------------------------


def consent(x: Export, row) -> dict:
    return {
        "resourceType": "Consent",
        "identifier": [x.identifier("consent", row.pk)],
        "status": "inactive" if row.withdrawn_on else "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]},
            {"coding": [x.coding("consent-kind", row.kind, row.get_kind_display())]},
        ],
        "patient": x.patient_ref,
        "dateTime": _date(row.given_on),
        "organization": [x.facility_ref],
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
        "provision": {
            "type": "permit",
            "period": _clean({"start": _date(row.given_on), "end": _date(row.withdrawn_on)}),
        },
    }


def document_reference(x: Export, document, download_url: Callable[[Any], str], include_content: bool) -> dict:
    content = bytes(document.content)
    attachment = {
        "contentType": document.content_type,
        "url": download_url(document),
        "size": document.size,
        "hash": base64.b64encode(hashlib.sha1(content, usedforsecurity=False).digest()).decode("ascii"),
        "title": document.filename,
        "creation": _instant(document.created_at),
        "extension": [{"url": f"{x.fhir}/StructureDefinition/attachment-sha256", "valueString": document.sha256}],
    }
    if include_content:
        attachment["data"] = base64.b64encode(content).decode("ascii")
    return _clean(
        {
            "resourceType": "DocumentReference",
            "identifier": [x.identifier("document", document.pk)],
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [x.coding("document-kind", document.kind, document.kind_label)]},
            "subject": x.patient_ref,
            "date": _instant(document.created_at),
            "author": [_user(document.created_by)] if document.created_by_id else None,
            "custodian": x.facility_ref,
            "content": [{"attachment": attachment}],
            "context": {"related": [x.episode_ref]},
        }
    )


# --- the bundle ---------------------------------------------------------------------------------------------------


def build_bundle(
    record: StayRecord,
    *,
    base_url: str,
    now: dt.datetime,
    today: dt.date,
    download_url: Callable[[Any], str],
    include_content: bool = False,
    language: str = "de",
) -> Bundle:
    """The stay's Bundle, every resource validated by its ``fhir.resources.R4B`` model (``ValidationError`` else).

    ``download_url(document)`` gives the absolute URL of a stored document; ``language`` picks the German or English
    texts of instrument definitions and the translation of the app's own labels (fixed per export, so the same data
    gives the same bundle whoever asks in whichever language)."""
    with translation.override(language):
        return _build(record, base_url, now, today, download_url, include_content, language)


def _build(record, base_url, now, today, download_url, include_content, language) -> Bundle:
    x = Export(base_url, record, now)
    stay = record.stay
    entries: list[tuple[str, Any, dict]] = [
        ("patient", stay.patient_id, patient(x)),
        ("stay", stay.pk, episode_of_care(x)),
    ]
    questionnaires: list[tuple[str, Any, dict]] = []
    responses: list[tuple[str, Any, dict]] = []
    seen: set[str] = set()
    for result in record.screenings:
        instrument = result.instrument
        if instrument is not None and f"screening:{instrument.pk}" not in seen:
            seen.add(f"screening:{instrument.pk}")
            questionnaires.append(
                ("questionnaire", f"screening:{instrument.pk}", screening_questionnaire(x, instrument, language))
            )
        responses.append(("screening", result.pk, screening_response(x, result, language)))
    definitions: dict[int, Definition] = {}
    for profile in record.profiles:
        instrument = profile.instrument
        if instrument.pk not in definitions:
            definitions[instrument.pk] = definition_from_dict(instrument.definition)
        definition = definitions[instrument.pk]
        key = f"profile:{instrument.pk}:{_scale_kind(profile.kind)}"
        if key not in seen:
            seen.add(key)
            questionnaire = profile_questionnaire(x, instrument, definition, _scale_kind(profile.kind), language)
            questionnaires.append(("questionnaire", key, questionnaire))
        responses.append(("profile", profile.pk, profile_response(x, profile, definition, language)))
    entries += questionnaires + responses
    entries += [("goal", pk, resource) for pk, resource in goals(x)]
    plan = care_plan(x, today)
    if plan is not None:
        entries.append(("graded-return-plan", record.plan.pk, plan))
    entries += [("consent", row.pk, consent(x, row)) for row in record.consents]
    entries += [
        ("document", document.pk, document_reference(x, document, download_url, include_content))
        for document in record.documents
    ]
    bundle_entries = []
    for kind, key, data in entries:
        data = _prune({**data, "id": x.uid(kind, key), "meta": x.meta})
        model = get_fhir_model_class(data["resourceType"]).model_validate(data)
        bundle_entries.append({"fullUrl": x.full_url(kind, key), "resource": model})
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": x.uid("bundle", stay.pk),
            "meta": x.meta,
            "identifier": x.identifier("fhir-export", stay.number),
            "type": "collection",
            "timestamp": _instant(now),
            "entry": bundle_entries,
        }
    )


def resource_counts(bundle: Bundle) -> dict[str, int]:
    """Resources per type, in the bundle's order of types (every type listed, 0 where there is none)."""
    counts = Counter(entry.resource.get_resource_type() for entry in bundle.entry or [])
    ordered = {name: counts.pop(name, 0) for name in RESOURCE_TYPES}
    return {**ordered, **dict(sorted(counts.items()))}


def counts_line(counts: dict[str, int]) -> str:
    """``Bundle: 1 Patient, 1 EpisodeOfCare, …`` (FHIR type names are not translated)."""
    return "Bundle: " + ", ".join(f"{count} {name}" for name, count in counts.items())
