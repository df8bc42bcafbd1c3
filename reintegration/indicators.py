"""Pure rules of the return-to-work indicators 8.2, 8.4, 8.6, 8.12, 8.13 and 8.17 (``wmr/data/recommendations.csv``,
kind ``indicator``): no ORM, no clock; ``today`` is always a parameter.

Contract (the same as ``therapy.rules``): build one ``StayFacts`` per stay (``reintegration.selectors_indicators``
does that in a constant number of queries), then call the functions by their measure key (``INDICATORS``); each
returns a ``wmr.indicators.IndicatorResult`` with the state and the reason in words (translated when called).

States: ``not_applicable`` for a stay that is not WMR on ``today`` (``screening.rules.wmr_applicability``) and where
the trigger does not apply (8.2 with 42 days of sick leave or fewer, 8.4 under 90 days, 8.6/8.12 when the ability
to work is not limited). Otherwise ``met`` as soon as the record shows it; if not, judged at discharge —
``not_yet_due`` until the stay is discharged, ``not_met`` from the discharge date on (the discharge day included).
A trigger examination or an agreed return-to-work plan counts when it is dated on or before the discharge (before
discharge: on or before ``today``). The discharge letter counts when it is signed (the newest signed version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reintegration.sickleave import GRTW_EXAMINE_MIN_DAYS, SickLeaveVerdict
from screening import rules as screening_rules
from wmr.indicators import IndicatorResult, IndicatorState

# Trigger kinds (= reintegration.models.TriggerKind values), written out to stay ORM-free.
BEM = "bem"
GRADED_RETURN = "graded_return"

# Socio-medical appraisal in hours per day (= reintegration.models.WorkAbility values and labels).
SIX_PLUS = "6_plus"
THREE_TO_SIX = "3_to_6"
BELOW_THREE = "below_3"
ABILITY_LABELS = {
    SIX_PLUS: gettext_lazy("6 hours and more"),
    THREE_TO_SIX: gettext_lazy("3 to under 6 hours"),
    BELOW_THREE: gettext_lazy("under 3 hours"),
}

# Rec 8.17: two separate copies for the patient to pass on.
COPIES_REQUIRED = 2

Applicability = screening_rules.Applicability
DecisionFact = screening_rules.DecisionFact
wmr_applicability = screening_rules.wmr_applicability


def _d(on: dt.date) -> str:
    return f"{on:%d.%m.%Y}"


# --- the facts of a stay -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExaminationFact:
    """A recorded outcome of a sick-leave trigger (``reintegration.models.TriggerExamination``)."""

    kind: str  # BEM or GRADED_RETURN
    examined_on: dt.date
    outcome: str  # the outcome in words (for the reason)


@dataclass(frozen=True)
class LetterFact:
    """The newest signed discharge letter: its socio-medical appraisal and the patient's copies (8.17)."""

    signed_on: dt.date
    ability_last_job: str = ""  # a WorkAbility value, "" when not stated
    ability_general_market: str = ""
    appraisal_detail: bool = False  # the detailed socio-medical appraisal is written
    positive_profile: bool = False
    negative_profile: bool = False
    vocational_rehab_recommended: bool = False
    copies: int = 0  # documents of kind discharge_letter_copy made of this version
    copies_handed_over_on: dt.date | None = None

    @property
    def last_job_limited(self) -> bool:
        return self.ability_last_job in (THREE_TO_SIX, BELOW_THREE)

    @property
    def limited(self) -> bool:
        """Limited ability to work (8.12): under 6 hours for the last job or on the general labour market."""
        return self.last_job_limited or self.ability_general_market in (THREE_TO_SIX, BELOW_THREE)


@dataclass(frozen=True)
class StayFacts:
    """Everything the return-to-work indicators need of one stay.

    ``discharged_on`` is the actual discharge date (None while the patient is in the clinic). ``sick_leave`` is the
    verdict on the day before admission (B-6, ``reintegration.sickleave.judge``; None: no history
    recorded, which triggers nothing). ``rtw_plan_agreed_on``: the date the first agreed version of the
    return-to-work plan was agreed with the patient (None: none agreed); ``rtw_plan_drafted``: a draft exists.
    """

    admission: dt.date
    wmr: Applicability
    discharged_on: dt.date | None = None
    sick_leave: SickLeaveVerdict | None = None
    examinations: tuple[ExaminationFact, ...] = ()
    letter: LetterFact | None = None
    rtw_plan_agreed_on: dt.date | None = None
    rtw_plan_drafted: bool = False

    @property
    def sick_leave_days(self) -> int:
        return self.sick_leave.calendar_days if self.sick_leave is not None else 0

    @property
    def bem_due(self) -> bool:
        """Rec 8.2: more than six weeks (B-4 calendar rule or B-5 working-day rule)."""
        return self.sick_leave is not None and self.sick_leave.bem

    @property
    def graded_return_due(self) -> bool:
        """Rec 8.4 (K-1): at least three months (90 days or more)."""
        return self.sick_leave is not None and self.sick_leave.grtw_due

    def judged(self, today: dt.date) -> bool:
        """Judged at discharge: from the discharge day on."""
        return self.discharged_on is not None and today >= self.discharged_on

    def cutoff(self, today: dt.date) -> dt.date:
        """What is recorded on or before this date counts: the discharge day once discharged, else ``today``."""
        if self.discharged_on is not None:
            return min(today, self.discharged_on)
        return today

    def examination(self, kind: str, today: dt.date) -> ExaminationFact | None:
        """The first examination of ``kind`` dated on or before the cutoff (None if there is none)."""
        counted = [e for e in self.examinations if e.kind == kind and e.examined_on <= self.cutoff(today)]
        return min(counted, key=lambda e: e.examined_on) if counted else None


# --- results -------------------------------------------------------------------------------------------------------


def _result(state: IndicatorState, reason: str, value: int | None = None, target: int | None = None):
    return IndicatorResult(state, reason, value, target)


def _open(facts: StayFacts, today: dt.date, reason: str, value: int | None = None, target: int | None = None):
    """Not (yet) there: ``not_met`` from the discharge day on, ``not_yet_due`` before."""
    state = IndicatorState.NOT_MET if facts.judged(today) else IndicatorState.NOT_YET_DUE
    return _result(state, reason, value, target)


def _by_discharge(facts: StayFacts, today: dt.date) -> str:
    """The deadline in words: "by discharge on 07.12.2026" once discharged, else "before discharge"."""
    if facts.judged(today):
        return _("by discharge on %(date)s") % {"date": _d(facts.discharged_on)}
    return _("before discharge")


def _trigger(facts: StayFacts, today: dt.date, kind: str, triggered: bool, messages: dict[str, str]):
    """8.2 and 8.4: not applicable below the threshold, met with an examination on or before the cutoff, else
    judged at discharge. ``messages`` are the sentences of the trigger (keys below, translated)."""
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason)
    days = facts.sick_leave_days
    if not triggered:
        threshold = facts.sick_leave.grtw_min_days if facts.sick_leave is not None else GRTW_EXAMINE_MIN_DAYS
        return _result(IndicatorState.NOT_APPLICABLE, messages["below"] % {"days": days, "min": threshold}, days)
    examined = facts.examination(kind, today)
    if examined is not None:
        reason = messages["examined"] % {"days": days, "date": _d(examined.examined_on), "outcome": examined.outcome}
        return _result(IndicatorState.MET, reason, days)
    if facts.judged(today):
        reason = messages["missed"] % {"days": days, "date": _d(facts.discharged_on)}
    else:
        reason = messages["open"] % {"days": days}
    return _open(facts, today, reason, days)


def _not_applicable(reason: str) -> IndicatorResult:
    return _result(IndicatorState.NOT_APPLICABLE, reason)


def _no_letter(facts: StayFacts, today: dt.date) -> IndicatorResult:
    if facts.judged(today):
        reason = _("No signed discharge letter (discharged on %(date)s).") % {"date": _d(facts.discharged_on)}
    else:
        reason = _("No signed discharge letter yet.")
    return _open(facts, today, reason)


def _ability(value: str) -> str:
    return str(ABILITY_LABELS.get(value, value))


# --- the indicators ------------------------------------------------------------------------------------------------


def bem_examined_after_6_weeks(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.2: with more than six weeks of sick leave in the 12 months before rehab (B-4: more than 42 days, or the
    working-day rule B-5), BEM is examined (an examination of kind ``bem`` recorded, any outcome). ``value`` = the
    sick-leave days."""
    messages = {
        "below": _(
            "%(days)d days of sick leave in the 12 months before admission: BEM is examined from more than 42 days."
        ),
        "examined": _("%(days)d days of sick leave: BEM examined on %(date)s (%(outcome)s)."),
        "missed": _("%(days)d days of sick leave, but BEM was not examined by discharge on %(date)s."),
        "open": _("%(days)d days of sick leave: BEM to be examined before discharge."),
    }
    return _trigger(facts, today, BEM, facts.bem_due, messages)


def graded_rtw_examined_after_3_months(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.4 (K-1): with at least three months (90 days or more) of sick leave in the 12 months before rehab, a
    graded return to work is examined (an examination of kind ``graded_return`` recorded, any outcome)."""
    messages = {
        "below": _(
            "%(days)d days of sick leave in the 12 months before admission: a graded return is examined from "
            "%(min)d days."
        ),
        "examined": _("%(days)d days of sick leave: a graded return to work examined on %(date)s (%(outcome)s)."),
        "missed": _("%(days)d days of sick leave, but a graded return was not examined by discharge on %(date)s."),
        "open": _("%(days)d days of sick leave: a graded return to work to be examined before discharge."),
    }
    return _trigger(facts, today, GRADED_RETURN, facts.graded_return_due, messages)


def vocational_rehab_recommended_when_limited(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.6: if the ability to do the last job is limited (under 6 hours a day), the discharge letter recommends
    vocational rehabilitation. Not applicable when the signed letter states 6 hours and more."""
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason)
    letter = facts.letter
    if letter is None:
        return _no_letter(facts, today)
    if not letter.ability_last_job:
        return _open(facts, today, _("The signed discharge letter states no ability to do the last job."))
    figures = {"ability": _ability(letter.ability_last_job), "date": _d(letter.signed_on)}
    if not letter.last_job_limited:
        return _not_applicable(_("Ability to do the last job not limited (%(ability)s).") % figures)
    if letter.vocational_rehab_recommended:
        reason = _(
            "Ability to do the last job limited (%(ability)s): the discharge letter signed on %(date)s recommends "
            "vocational rehabilitation."
        )
        return _result(IndicatorState.MET, reason % figures)
    reason = _(
        "Ability to do the last job limited (%(ability)s), but the discharge letter signed on %(date)s does not "
        "recommend vocational rehabilitation."
    )
    return _open(facts, today, reason % figures)


def sociomedical_appraisal_when_limited(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.12: with a limited ability to work (under 6 hours for the last job or on the general labour market), the
    signed discharge letter has the detailed socio-medical appraisal and both capacity profiles (positive and
    negative). Not applicable when both abilities are 6 hours and more."""
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason)
    letter = facts.letter
    if letter is None:
        return _no_letter(facts, today)
    if not letter.ability_last_job or not letter.ability_general_market:
        reason = _(
            "The signed discharge letter does not state the ability to work for both the last job and the general "
            "labour market."
        )
        return _open(facts, today, reason)
    figures = {
        "job": _ability(letter.ability_last_job),
        "market": _ability(letter.ability_general_market),
        "date": _d(letter.signed_on),
    }
    if not letter.limited:
        return _not_applicable(
            _("Ability to work not limited (last job: %(job)s; general labour market: %(market)s).") % figures
        )
    missing = [
        label
        for present, label in (
            (letter.appraisal_detail, _("the detailed appraisal")),
            (letter.positive_profile, _("the positive capacity profile")),
            (letter.negative_profile, _("the negative capacity profile")),
        )
        if not present
    ]
    if not missing:
        reason = _(
            "Ability to work limited (last job: %(job)s; general labour market: %(market)s): the discharge letter "
            "signed on %(date)s has the detailed appraisal and both capacity profiles."
        )
        return _result(IndicatorState.MET, reason % figures)
    reason = _(
        "Ability to work limited (last job: %(job)s; general labour market: %(market)s), but the discharge letter "
        "signed on %(date)s lacks %(missing)s."
    )
    return _open(facts, today, reason % {**figures, "missing": ", ".join(missing)})


def rtw_plan_documented(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.13: a return-to-work plan is developed with the patient and documented — a version agreed with the
    patient on or before discharge."""
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason)
    agreed = facts.rtw_plan_agreed_on
    if agreed is not None and agreed <= facts.cutoff(today):
        return _result(
            IndicatorState.MET, _("Return-to-work plan agreed with the patient on %(date)s.") % {"date": _d(agreed)}
        )
    deadline = _by_discharge(facts, today)
    if facts.rtw_plan_drafted:
        reason = _("The return-to-work plan is a draft, not agreed with the patient %(deadline)s.")
    else:
        reason = _("No return-to-work plan agreed with the patient %(deadline)s.")
    return _open(facts, today, reason % {"deadline": deadline})


def two_discharge_copies(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec 8.17: two separate copies of the signed discharge letter are made for the patient to pass on and handed
    over. ``value`` = the copies made of the newest signed version, ``target`` = 2."""
    if not facts.wmr.applies:
        return _not_applicable(facts.wmr.reason)
    letter = facts.letter
    if letter is None:
        result = _no_letter(facts, today)
        return _result(result.state, result.reason, 0, COPIES_REQUIRED)
    figures = {"copies": letter.copies, "target": COPIES_REQUIRED}
    if letter.copies >= COPIES_REQUIRED and letter.copies_handed_over_on is not None:
        reason = _("%(copies)d copies of the discharge letter handed over on %(date)s.") % {
            **figures,
            "date": _d(letter.copies_handed_over_on),
        }
        return _result(IndicatorState.MET, reason, letter.copies, COPIES_REQUIRED)
    if letter.copies < COPIES_REQUIRED:
        reason = _("%(copies)d of %(target)d copies of the discharge letter made for the patient.") % figures
    else:
        reason = _("%(copies)d copies of the discharge letter made, not yet handed over.") % figures
    return _open(facts, today, reason, letter.copies, COPIES_REQUIRED)


# The indicator functions by their measure key in wmr/data/recommendations.csv (stable names for compliance/).
INDICATORS: dict[str, Callable[[StayFacts, dt.date], IndicatorResult]] = {
    "bem_examined_after_6_weeks": bem_examined_after_6_weeks,
    "graded_rtw_examined_after_3_months": graded_rtw_examined_after_3_months,
    "vocational_rehab_recommended_when_limited": vocational_rehab_recommended_when_limited,
    "sociomedical_appraisal_when_limited": sociomedical_appraisal_when_limited,
    "rtw_plan_documented": rtw_plan_documented,
    "two_discharge_copies": two_discharge_copies,
}


def indicators(facts: StayFacts, today: dt.date) -> dict[str, IndicatorResult]:
    """Every return-to-work indicator of a stay, by measure key, in the order of the recommendations."""
    return {key: function(facts, today) for key, function in INDICATORS.items()}
