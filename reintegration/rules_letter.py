"""Pure rules of the discharge letter (recommendations 8.6, 8.12): no ORM, no clock.

- ``parse_diagnosis_code`` / ``diagnosis_problems``: ICD-10-GM codes of the diagnosis list.
- ``appraisal_missing`` (8.12): what a limited ability to work requires before signing.
- ``vocational_rehab_missing`` (8.6): a limited ability for the last job needs vocational rehabilitation recommended
  or a reason why not.

Ability values are ``reintegration.models.WorkAbility`` values, written out here to stay ORM-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIX_PLUS = "6_plus"
THREE_TO_SIX = "3_to_6"
BELOW_THREE = "below_3"
LIMITED = frozenset({THREE_TO_SIX, BELOW_THREE})  # under 6 hours a day

MAX_DIAGNOSES = 10  # the DRV discharge report has room for ten diagnoses

# ICD-10-GM: a letter, two digits, optionally a dot and one or two digits (F43.2, F32.10) or a dot and a dash for
# an unspecified subcategory (F43.-); then optionally the etiology/manifestation mark (†, *, !), the certainty of
# the diagnosis (G confirmed, V suspected, Z condition after, A excluded) and the side (R, L, B).
ICD10_GM = re.compile(r"^[A-Z][0-9]{2}(?:\.(?:[0-9]{1,2}|-))?[†*!+]?(?: ?[GVZA])?(?: ?[RLB])?$")


def normalize_code(code: str) -> str:
    """Upper case, inner runs of spaces collapsed (``f32.1  g`` → ``F32.1 G``)."""
    return " ".join(code.upper().split())


def is_icd10_gm(code: str) -> bool:
    return bool(ICD10_GM.match(normalize_code(code)))


@dataclass(frozen=True)
class DiagnosisProblem:
    """One problem of the diagnosis list: ``position`` is 1-based; ``kind`` is ``code``, ``text`` or ``too_many``."""

    position: int
    kind: str
    code: str = ""


def diagnosis_problems(diagnoses: list[dict]) -> list[DiagnosisProblem]:
    """Every diagnosis needs an ICD-10-GM code and a text; at most ``MAX_DIAGNOSES``."""
    problems = []
    if len(diagnoses) > MAX_DIAGNOSES:
        problems.append(DiagnosisProblem(MAX_DIAGNOSES + 1, "too_many"))
    for position, diagnosis in enumerate(diagnoses, start=1):
        code = (diagnosis.get("code") or "").strip()
        if not is_icd10_gm(code):
            problems.append(DiagnosisProblem(position, "code", code))
        elif not (diagnosis.get("text") or "").strip():
            problems.append(DiagnosisProblem(position, "text", code))
    return problems


def is_limited(ability: str) -> bool:
    """Under 6 hours a day (3 to under 6 hours, or under 3 hours)."""
    return ability in LIMITED


def appraisal_missing(
    *, ability_last_job: str, ability_general_market: str, detail: str, positive: str, negative: str
) -> list[str]:
    """Rec 8.12: when the ability for the last job or on the general labour market is under 6 hours, the detailed
    socio-medical appraisal and both capacity profiles (positive and negative) are required. Returns the missing
    parts as keys ``detail``, ``positive``, ``negative`` (empty: nothing missing or not limited)."""
    if not (is_limited(ability_last_job) or is_limited(ability_general_market)):
        return []
    parts = (("detail", detail), ("positive", positive), ("negative", negative))
    return [key for key, text in parts if not (text or "").strip()]


def vocational_rehab_missing(*, ability_last_job: str, recommended: bool, reason: str) -> bool:
    """Rec 8.6: a limited ability for the last job needs vocational rehabilitation recommended in the letter, or the
    physician's reason why it is not (e.g. the patient is about to retire). True when neither is given."""
    return is_limited(ability_last_job) and not recommended and not (reason or "").strip()
