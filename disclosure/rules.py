"""Which parts of the record may go to whom, and why (issue 11, "Disclosure packages"). Pure: no ORM, no clock.

Two layers, intersected:

1. **The policy** (``POLICY``): for each kind of recipient and purpose, the sections that may *ever* go there — the
   clinic's rule of data minimisation (GDPR Art. 5(1)(c), § 203 StGB). The employer and the BEM contact get what
   the workplace needs (step plan, work-related capacity, the return-to-work plan) and never diagnoses, findings or
   the profile comparison; the occupational physician may get the profile comparison; treating practitioners and
   the payer may get diagnoses. An empty set means the purpose is not open for that recipient at all.
2. **The patient's consent** for that kind of recipient (``patients.models.CONSENT_FOR_CONTACT``): it must be valid
   on the day, and its scope (``ConsentScope``: purposes and sections the patient agreed to; without a scope row the
   patient agreed to whatever the policy allows) narrows the policy further.

``decide`` returns the sections offered, each section left out with the reason, or the refusal with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    GRADED_RETURN = "graded_return", _("Graded return to work")
    BEM = "bem", _("Occupational integration management (BEM)")
    AFTERCARE = "aftercare", _("Aftercare")
    FOLLOW_UP_TREATMENT = "follow_up_treatment", _("Follow-up treatment")


class Section(models.TextChoices):
    """The parts a package can hold, in the order the package prints them."""

    GRADED_PLAN = "graded_plan", _("Graded return-to-work plan (step plan)")
    CAPACITY_SUMMARY = "capacity_summary", _("Work-related capacity summary")
    RTW_PLAN = "rtw_plan", _("Return-to-work plan (steps after the rehabilitation)")
    GOAL_AGREEMENT = "goal_agreement", _("Goal agreement")
    TRANSFER_STRATEGIES = "transfer_strategies", _("Transfer strategies")
    PROFILE_COMPARISON = "profile_comparison", _("Profile comparison (capacity and job demands)")
    DISCHARGE_LETTER_WORK = "discharge_letter_work", _("Discharge letter: socio-medical appraisal and recommendations")
    DIAGNOSES = "diagnoses", _("Diagnoses")


SECTION_ORDER: tuple[str, ...] = tuple(Section.values)
ALL_PURPOSES: tuple[str, ...] = tuple(Purpose.values)

# Sections that name or reveal health conditions: never to the workplace side (employer, BEM contact).
MEDICAL: frozenset[str] = frozenset({Section.DIAGNOSES, Section.DISCHARGE_LETTER_WORK, Section.PROFILE_COMPARISON})

_WORKPLACE_GRADED = frozenset({Section.GRADED_PLAN, Section.CAPACITY_SUMMARY})
_WORKPLACE_BEM = frozenset({Section.GRADED_PLAN, Section.CAPACITY_SUMMARY, Section.RTW_PLAN})
_EVERYTHING = frozenset(SECTION_ORDER)
_NONE: frozenset[str] = frozenset()

# Contact kinds are the values of patients.models.ContactKind (plain strings here: rules import no models).
POLICY: dict[str, dict[str, frozenset[str]]] = {
    # The employer: only what organising the workplace needs (D-2 of the Hamburg model: no diagnosis, no finding).
    "employer": {
        Purpose.GRADED_RETURN: _WORKPLACE_GRADED,
        Purpose.BEM: _WORKPLACE_BEM,
        Purpose.AFTERCARE: frozenset({Section.RTW_PLAN}),
        Purpose.FOLLOW_UP_TREATMENT: _NONE,
    },
    # The BEM contact (§ 167 SGB IX) is the employer's side as well.
    "bem_contact": {
        Purpose.GRADED_RETURN: _WORKPLACE_GRADED,
        Purpose.BEM: _WORKPLACE_BEM,
        Purpose.AFTERCARE: frozenset({Section.RTW_PLAN}),
        Purpose.FOLLOW_UP_TREATMENT: _NONE,
    },
    # The occupational physician is bound by medical confidentiality: functional findings, not diagnoses.
    "occupational_physician": {
        Purpose.GRADED_RETURN: _WORKPLACE_BEM | {Section.PROFILE_COMPARISON},
        Purpose.BEM: _WORKPLACE_BEM | {Section.PROFILE_COMPARISON, Section.TRANSFER_STRATEGIES},
        Purpose.AFTERCARE: frozenset(
            {Section.CAPACITY_SUMMARY, Section.RTW_PLAN, Section.PROFILE_COMPARISON, Section.TRANSFER_STRATEGIES}
        ),
        Purpose.FOLLOW_UP_TREATMENT: frozenset(
            {Section.CAPACITY_SUMMARY, Section.PROFILE_COMPARISON, Section.DISCHARGE_LETTER_WORK}
        ),
    },
    # Treating practitioners continue the treatment: the whole work-related record, diagnoses included.
    "family_doctor": {
        Purpose.GRADED_RETURN: _WORKPLACE_GRADED | {Section.DISCHARGE_LETTER_WORK, Section.DIAGNOSES},
        Purpose.BEM: _NONE,
        Purpose.AFTERCARE: _EVERYTHING,
        Purpose.FOLLOW_UP_TREATMENT: _EVERYTHING,
    },
    "psychotherapist": {
        Purpose.GRADED_RETURN: _WORKPLACE_GRADED | {Section.DISCHARGE_LETTER_WORK, Section.DIAGNOSES},
        Purpose.BEM: _NONE,
        Purpose.AFTERCARE: _EVERYTHING,
        Purpose.FOLLOW_UP_TREATMENT: _EVERYTHING,
    },
    # The payer decides on benefits (graded return: sick pay / transitional allowance; aftercare: IRENA etc.).
    "payer": {
        Purpose.GRADED_RETURN: _WORKPLACE_GRADED | {Section.DISCHARGE_LETTER_WORK, Section.DIAGNOSES},
        Purpose.BEM: _NONE,
        Purpose.AFTERCARE: frozenset({Section.CAPACITY_SUMMARY, Section.RTW_PLAN, Section.DISCHARGE_LETTER_WORK}),
        Purpose.FOLLOW_UP_TREATMENT: frozenset(
            {Section.CAPACITY_SUMMARY, Section.DISCHARGE_LETTER_WORK, Section.DIAGNOSES}
        ),
    },
    # Integration service (rec 8.15): placement support, no medical detail.
    "integration_service": {
        Purpose.GRADED_RETURN: _WORKPLACE_BEM,
        Purpose.BEM: _WORKPLACE_BEM,
        Purpose.AFTERCARE: frozenset({Section.CAPACITY_SUMMARY, Section.RTW_PLAN, Section.TRANSFER_STRATEGIES}),
        Purpose.FOLLOW_UP_TREATMENT: _NONE,
    },
    # Employment agency / job centre (recs 8.9, 8.10): job search after the rehabilitation.
    "employment_agency": {
        Purpose.GRADED_RETURN: _NONE,
        Purpose.BEM: _NONE,
        Purpose.AFTERCARE: frozenset({Section.CAPACITY_SUMMARY, Section.RTW_PLAN}),
        Purpose.FOLLOW_UP_TREATMENT: _NONE,
    },
}


def ordered(sections) -> tuple[str, ...]:
    """``sections`` in the package's order, unknown values dropped, each once."""
    wanted = set(sections)
    return tuple(section for section in SECTION_ORDER if section in wanted)


def policy_sections(contact_kind: str, purpose: str) -> tuple[str, ...]:
    """The sections the policy lets go to this kind of recipient for this purpose (empty: purpose not open)."""
    return ordered(POLICY.get(contact_kind, {}).get(purpose, _NONE))


def policy_purposes(contact_kind: str) -> tuple[str, ...]:
    """The purposes open for this kind of recipient."""
    return tuple(purpose for purpose in ALL_PURPOSES if policy_sections(contact_kind, purpose))


@dataclass(frozen=True)
class ConsentFacts:
    """What the rule needs of the patient's consent for the recipient's kind (the newest one of that kind)."""

    consent_id: int
    given_on: dt.date
    withdrawn_on: dt.date | None = None
    scope_purposes: tuple[str, ...] | None = None  # None: no scope recorded, the policy applies
    scope_sections: tuple[str, ...] | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


# Why a package is refused (codes; the texts are in ``REFUSAL_TEXTS``).
NO_CONSENT = "no_consent"
CONSENT_WITHDRAWN = "consent_withdrawn"
CONSENT_NOT_YET_VALID = "consent_not_yet_valid"
PURPOSE_NOT_OPEN = "purpose_not_open"
PURPOSE_NOT_AGREED = "purpose_not_agreed"
NOTHING_LEFT = "nothing_left"
SECTIONS_OUTSIDE = "sections_outside"
NO_SECTION_CHOSEN = "no_section_chosen"

REFUSAL_TEXTS = {
    NO_CONSENT: _("The patient has not given the consent “%(consent)s”, so nothing may be sent to this recipient."),
    CONSENT_WITHDRAWN: _(
        "The patient withdrew the consent “%(consent)s” on %(withdrawn_on)s; no further package may be sent."
    ),
    CONSENT_NOT_YET_VALID: _("The consent “%(consent)s” is only valid from %(given_on)s."),
    PURPOSE_NOT_OPEN: _("Nothing of the record may go to a recipient of this kind for the purpose “%(purpose)s”."),
    PURPOSE_NOT_AGREED: _("The patient's consent “%(consent)s” does not cover the purpose “%(purpose)s”."),
    NOTHING_LEFT: _(
        "The patient's consent “%(consent)s” covers none of the sections this recipient may receive for this purpose."
    ),
    SECTIONS_OUTSIDE: _("These sections are not covered for this recipient and purpose: %(sections)s."),
    NO_SECTION_CHOSEN: _("Please choose at least one section."),
}

# Why a section is not offered.
LEFT_OUT_BY_POLICY = "policy"
LEFT_OUT_BY_CONSENT = "consent"
LEFT_OUT_TEXTS = {
    LEFT_OUT_BY_POLICY: _("never sent to this kind of recipient for this purpose"),
    LEFT_OUT_BY_CONSENT: _("not covered by the patient's consent"),
}


@dataclass(frozen=True)
class Decision:
    """What may go into a package: ``offered`` sections in order, or ``refusal`` (a code of ``REFUSAL_TEXTS``).
    ``left_out`` tells for every other section why it is not offered (``LEFT_OUT_TEXTS``)."""

    contact_kind: str
    purpose: str
    offered: tuple[str, ...] = ()
    left_out: dict[str, str] = field(default_factory=dict)
    refusal: str = ""
    consent_id: int | None = None

    @property
    def allowed(self) -> bool:
        return not self.refusal

    def outside(self, requested) -> tuple[str, ...]:
        """The requested sections this decision does not offer (a crafted request), in order; unknown values too."""
        offered = set(self.offered)
        known = [section for section in SECTION_ORDER if section in set(requested) and section not in offered]
        unknown = sorted({str(value) for value in requested} - set(SECTION_ORDER))
        return tuple(known) + tuple(unknown)


def decide(*, contact_kind: str, purpose: str, consent: ConsentFacts | None, today: dt.date) -> Decision:
    """The sections that may go to a recipient of ``contact_kind`` for ``purpose`` on ``today``: the policy's
    sections, if the newest consent of the matching kind is valid today, narrowed to the consent's scope.

    ``consent``: the newest consent of the kind ``CONSENT_FOR_CONTACT[contact_kind]`` (None: never given)."""
    base = Decision(contact_kind=contact_kind, purpose=purpose, consent_id=consent.consent_id if consent else None)
    policy = policy_sections(contact_kind, purpose)
    if not policy:
        return _refused(base, PURPOSE_NOT_OPEN)
    if consent is None:
        return _refused(base, NO_CONSENT)
    if not consent.is_valid_on(today):
        withdrawn = consent.withdrawn_on is not None and consent.withdrawn_on <= today
        return _refused(base, CONSENT_WITHDRAWN if withdrawn else CONSENT_NOT_YET_VALID)
    if consent.scope_purposes is not None and purpose not in consent.scope_purposes:
        return _refused(base, PURPOSE_NOT_AGREED)
    scope = set(SECTION_ORDER if consent.scope_sections is None else consent.scope_sections)
    offered = tuple(section for section in policy if section in scope)
    left_out = {
        section: LEFT_OUT_BY_POLICY if section not in policy else LEFT_OUT_BY_CONSENT
        for section in SECTION_ORDER
        if section not in offered
    }
    decision = Decision(
        contact_kind=contact_kind,
        purpose=purpose,
        offered=offered,
        left_out=left_out,
        consent_id=consent.consent_id,
    )
    return decision if offered else _refused(decision, NOTHING_LEFT)


def _refused(decision: Decision, code: str) -> Decision:
    return Decision(
        contact_kind=decision.contact_kind,
        purpose=decision.purpose,
        left_out={section: LEFT_OUT_BY_POLICY for section in SECTION_ORDER},
        refusal=code,
        consent_id=decision.consent_id,
    )
