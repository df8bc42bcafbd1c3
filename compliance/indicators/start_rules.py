"""Pure rules of the indicators of sections 1 and 2 (preparation; screening and assignment), by measure key of
``wmr/data/recommendations.csv``: 1.1, 1.2, 1.4 (the invitation letter), 2.1, 2.3, 2.5 per stay, and 2.7, 2.8 per
facility and period.

No ORM, no clock: ``today`` is always a parameter. Where the screening app already judges (``screening.rules`` S-3,
D-1…D-4; ``screening.quota`` Q-1…Q-6 of ../shared/domain/screening.md) these functions call it and only add the
state and the reason in words, so the case overview, the quarterly report and the dashboard cannot disagree. Day
counting (ARCHITECTURE.md): the admission day is day 1; "by day 7" means on or before day 7.

States per stay:

- **1.1, 1.2, 1.4** apply to a patient "likely to get WMR" (PRODUCT CHOICE): the stay was allocated 3197 by the
  payer, or the team's first decision assigned WMR from the initial findings. A later switch into WMR (2.6) follows a
  changed evaluation the invitation could not foresee, so it does not make them apply. The letter counts when it was
  created before the admission day (an invitation made on the day of admission reaches nobody in time). Not yet due
  until the admission day; then not met without a fitting letter.
- **2.1** applies to every stay (S-1): met / not met / not yet due exactly as ``screening.rules.screening_start_state``
  (met, late/overdue, open) with the facility's ``screening_due_day``.
- **2.3** applies once WMR was assigned (every ``assign`` decision, the first one and switches into WMR): met when the
  latest physician's check dated on or before each assignment found no contraindication. Not applicable without an
  ``assign`` decision.
- **2.5** is ``screening.rules.week1_code_indicator`` over the stay's week-1 §301 task: not applicable without a
  mismatch (also before the first decision, as the case overview shows it), not yet due while the task is open (until
  day 7, or the discharge when earlier), met when corrected by then.

Facility measures (``compliance.registry.FacilityResult``): 2.7 the share of positive index screenings among the WMR
stays discharged in the period (Q-1…Q-5, any period, not only quarters; a stay counts once its discharge date has
come), bar "over 75 %" decided by ``quota.Share.outcome``; 2.8 the quarterly report of each quarter that ends in the
period, shared with the team within 14 days of the quarter's end (Q-6); not yet due (out of the denominator) until then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.registry import FacilityResult
from screening import quota
from screening import rules as screening_rules
from wmr.indicators import IndicatorResult, IndicatorState

ASSIGN = screening_rules.ASSIGN
CODE_WMR = screening_rules.CODE_WMR
SHARE_BAR_PERCENT = 75  # rec. 2.7: "over 75 %" (Q-4: strictly more)

# Result statuses that are not a complete screening (= screening.models.ResultStatus), for the reason.
NOT_COMPLETE_LABELS = {
    "incomplete": gettext_lazy("incomplete"),
    "not_possible": gettext_lazy("not possible"),
}


def _d(on: dt.date) -> str:
    return f"{on:%d.%m.%Y}"


def day_of(admission: dt.date, on: dt.date) -> int:
    """The day of the stay ``on`` falls on (day 1 = admission day; 0 or less before the admission)."""
    return (on - admission).days + 1


def _result(state: IndicatorState, reason: str, value: int | None = None, target: int | None = None):
    return IndicatorResult(state, reason, value, target)


# --- the facts of a stay -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationFact:
    """A stored invitation letter (``patients`` document of kind ``invitation_letter``) and what it states (its
    ``facts``: recs. 1.1, 1.2, 1.4). ``created_on`` is the Europe/Berlin date it was made."""

    created_on: dt.date
    explains_wmr: bool = False
    asks_occupational_contacts: bool = False
    links_online_info: bool = False


@dataclass(frozen=True)
class DecisionFact:
    """An assignment decision (``assign`` = WMR, ``not_assign``), in the order recorded."""

    id: int
    decision: str
    decided_on: dt.date


@dataclass(frozen=True)
class CheckFact:
    """A physician's contraindication check (only physicians may record one, A-4); ``clear``: none found."""

    id: int
    checked_on: dt.date
    clear: bool


@dataclass(frozen=True)
class StayFacts:
    """Everything the indicators 1.1–2.5 need of one stay.

    ``allocated_code`` is the department code before any §301 correction (D-1). ``screenings`` are the current results
    (a corrected result is replaced by its correction, R-3). ``decisions`` and ``checks`` are oldest first.
    ``week1_task`` is the stay's week-1 §301 task (D-2) that a later decision has not superseded, None without one;
    ``week1_corrected_on`` the date it was corrected.
    """

    admission: dt.date
    allocated_code: str
    discharge: dt.date | None = None
    invitations: tuple[InvitationFact, ...] = ()
    screenings: tuple[screening_rules.ResultFact, ...] = ()
    screening_due_day: int = screening_rules.DEFAULT_DUE_DAY
    decisions: tuple[DecisionFact, ...] = ()
    checks: tuple[CheckFact, ...] = ()
    week1_task: screening_rules.CodeTask | None = None
    week1_corrected_on: dt.date | None = None

    @property
    def invitation_expected(self) -> bool:
        """Recs. 1.1/1.4 "every patient likely to get WMR": allocated 3197, or WMR assigned by the first decision."""
        first = self.decisions[0] if self.decisions else None
        return self.allocated_code == CODE_WMR or (first is not None and first.decision == ASSIGN)

    def latest_check_on(self, on: dt.date) -> CheckFact | None:
        """The latest check dated on or before ``on`` (the one recorded last when several share the date)."""
        counted = [c for c in self.checks if c.checked_on <= on]
        return max(counted, key=lambda c: (c.checked_on, c.id)) if counted else None


# --- 1.1, 1.2, 1.4: the invitation letter --------------------------------------------------------------------------


def _invitation(
    facts: StayFacts, today: dt.date, states: Callable[[InvitationFact], bool], texts: dict
) -> IndicatorResult:
    """The invitation-letter indicators: ``states`` reads the letter's fact, ``texts`` are the sentences when a letter
    made before admission states it (``met``) or not (``missing``)."""
    admission = {"admission": _d(facts.admission)}
    if not facts.invitation_expected:
        reason = _("Allocated %(code)s and not assigned to WMR by the first decision: no WMR invitation expected.") % {
            "code": facts.allocated_code
        }
        return _result(IndicatorState.NOT_APPLICABLE, reason)
    in_time = sorted((f for f in facts.invitations if f.created_on < facts.admission), key=lambda f: f.created_on)
    fitting = [f for f in in_time if states(f)]
    if fitting:
        return _result(IndicatorState.MET, texts["met"] % {"date": _d(fitting[-1].created_on)})
    if in_time:
        return _result(IndicatorState.NOT_MET, texts["missing"] % {"date": _d(in_time[-1].created_on)})
    if today < facts.admission:
        return _result(
            IndicatorState.NOT_YET_DUE,
            _("No invitation letter yet; due before the admission on %(admission)s.") % admission,
        )
    late = sorted(f.created_on for f in facts.invitations)
    if late:
        reason = _("The invitation letter was only created on %(date)s, not before the admission on %(admission)s.")
        return _result(IndicatorState.NOT_MET, reason % {**admission, "date": _d(late[0])})
    return _result(IndicatorState.NOT_MET, _("No invitation letter before the admission on %(admission)s.") % admission)


def invitation_explains_wmr(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 1.1: the invitation letter explains the aims of WMR and the clinic's WMR services."""
    texts = {
        "met": _("The invitation letter of %(date)s explains WMR and the clinic's WMR services."),
        "missing": _("The invitation letter of %(date)s does not explain WMR."),
    }
    return _invitation(facts, today, lambda f: f.explains_wmr, texts)


def occupational_contacts_requested(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 1.2: the invitation asks for the occupational physician and the BEM contact."""
    texts = {
        "met": _("The invitation letter of %(date)s asks for the occupational physician and the BEM contact."),
        "missing": _(
            "The invitation letter of %(date)s does not ask for the occupational physician and the BEM contact."
        ),
    }
    return _invitation(facts, today, lambda f: f.asks_occupational_contacts, texts)


def invitation_links_online_info(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 1.4: the invitation letter points to the clinic's online WMR information (link and QR code); a letter made
    while the clinic had no such link set does not."""
    texts = {
        "met": _("The invitation letter of %(date)s points to the clinic's online WMR information."),
        "missing": _(
            "The invitation letter of %(date)s does not point to the clinic's online WMR information (no link was set "
            "for the clinic)."
        ),
    }
    return _invitation(facts, today, lambda f: f.links_online_info, texts)


# --- 2.1: screened at the start ------------------------------------------------------------------------------------


def screened_at_start(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 2.1 (S-3): a complete result (positive or negative) by treatment day ``screening_due_day`` (default 7).
    ``value`` = the day of the first complete result (None before admission or without one), ``target`` = the due day.
    ``not_possible`` and ``incomplete`` never count (S-4)."""
    due_day = facts.screening_due_day
    due = screening_rules.screening_due_date(facts.admission, due_day)
    state = screening_rules.screening_start_state(facts.screenings, facts.admission, due_day, today)
    figures = {"due_day": due_day, "due": _d(due)}
    complete = sorted(r.completed_on for r in facts.screenings if r.status in screening_rules.COMPLETE)
    if complete:
        first = complete[0]
        day = day_of(facts.admission, first)
        figures.update(day=day, date=_d(first))
        if state == "met" and day < 1:
            reason = _("Screening completed on %(date)s, before the admission; due by day %(due_day)d.")
            return _result(IndicatorState.MET, reason % figures, None, due_day)
        if state == "met":
            reason = _("Screening completed on day %(day)d (%(date)s), due by day %(due_day)d.")
            return _result(IndicatorState.MET, reason % figures, day, due_day)
        reason = _("First complete screening on day %(day)d (%(date)s), due by day %(due_day)d.")
        return _result(IndicatorState.NOT_MET, reason % figures, day, due_day)
    if state == "open":
        reason = _("No complete screening yet; due by day %(due_day)d (%(due)s).") % figures
        state_out = IndicatorState.NOT_YET_DUE
    else:
        reason = _("No complete screening by day %(due_day)d (%(due)s).") % figures
        state_out = IndicatorState.NOT_MET
    recorded = [r for r in facts.screenings if r.status in NOT_COMPLETE_LABELS]
    if recorded:
        latest = max(recorded, key=lambda r: r.completed_on)
        reason += " " + _("Recorded so far: %(status)s (%(date)s).") % {
            "status": NOT_COMPLETE_LABELS[latest.status],
            "date": _d(latest.completed_on),
        }
    return _result(state_out, reason, None, due_day)


# --- 2.3: contraindications checked before the assignment ---------------------------------------------------------


def contraindications_checked_before_assignment(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 2.3 (A-4): before every assignment to WMR (the first and each switch into WMR) a physician's check dated
    on or before it found no contraindication (the latest such check counts). Not applicable without an assignment."""
    assignments = [d for d in facts.decisions if d.decision == ASSIGN]
    if not assignments:
        reason = _("The stay has not been assigned to WMR.") if facts.decisions else _("No WMR decision yet.")
        return _result(IndicatorState.NOT_APPLICABLE, reason)
    for decision in assignments:
        check = facts.latest_check_on(decision.decided_on)
        figures = {"date": _d(decision.decided_on)}
        if check is None:
            reason = _("WMR was assigned on %(date)s without a physician's contraindication check before it.")
            return _result(IndicatorState.NOT_MET, reason % figures)
        figures["check"] = _d(check.checked_on)
        if not check.clear:
            reason = _(
                "WMR was assigned on %(date)s although the physician's check of %(check)s found a contraindication."
            )
            return _result(IndicatorState.NOT_MET, reason % figures)
    reason = _("A physician found no contraindication on %(check)s before WMR was assigned on %(date)s.")
    return _result(IndicatorState.MET, reason % figures)


# --- 2.5: the department code corrected in the first week --------------------------------------------------------


def department_code_corrected_week1(facts: StayFacts, today: dt.date) -> IndicatorResult:
    """Rec. 2.5 (D-1…D-4): when the code the decision calls for differs from the allocated one, the §301 correction
    is recorded by day 7 (or by the discharge when the patient leaves earlier). ``value`` = the day of the correction,
    ``target`` = the day it was due."""
    task = facts.week1_task
    if task is None:
        if facts.decisions:
            reason = _("No change of the department code was needed in the first treatment week.")
        else:
            reason = _("No WMR decision yet: no department-code correction to check.")
        return _result(IndicatorState.NOT_APPLICABLE, reason)
    corrected = facts.week1_corrected_on
    state = screening_rules.week1_code_indicator(task, corrected, today)
    due_day = day_of(facts.admission, task.due)
    figures = {"from": task.from_code, "to": task.to_code, "due_day": due_day, "due": _d(task.due)}
    if corrected is not None:
        figures.update(day=day_of(facts.admission, corrected), date=_d(corrected))
        if state == "met":
            reason = _(
                "§301 department code corrected from %(from)s to %(to)s on day %(day)d (%(date)s), due by day "
                "%(due_day)d (%(due)s)."
            )
            return _result(IndicatorState.MET, reason % figures, figures["day"], due_day)
        reason = _(
            "§301 department code corrected from %(from)s to %(to)s only on day %(day)d (%(date)s), due by day "
            "%(due_day)d (%(due)s)."
        )
        return _result(IndicatorState.NOT_MET, reason % figures, figures["day"], due_day)
    if state == "not_yet_due":
        reason = _("§301 department code to be corrected from %(from)s to %(to)s by day %(due_day)d (%(due)s).")
        return _result(IndicatorState.NOT_YET_DUE, reason % figures, None, due_day)
    reason = _("§301 department code not corrected from %(from)s to %(to)s by day %(due_day)d (%(due)s).")
    return _result(IndicatorState.NOT_MET, reason % figures, None, due_day)


# The stay indicators by their measure key in wmr/data/recommendations.csv.
INDICATORS: dict[str, Callable[[StayFacts, dt.date], IndicatorResult]] = {
    "invitation_explains_wmr": invitation_explains_wmr,
    "occupational_contacts_requested": occupational_contacts_requested,
    "invitation_links_online_info": invitation_links_online_info,
    "screened_at_start": screened_at_start,
    "contraindications_checked_before_assignment": contraindications_checked_before_assignment,
    "department_code_corrected_week1": department_code_corrected_week1,
}


def indicators(facts: StayFacts, today: dt.date) -> dict[str, IndicatorResult]:
    """Every indicator of sections 1 and 2 of a stay, by measure key, in the order of the recommendations."""
    return {key: function(facts, today) for key, function in INDICATORS.items()}


# --- quarters of a period ------------------------------------------------------------------------------------------


def quarters_overlapping(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, quarter) of every calendar quarter that shares a day with ``start``…``end``, oldest first."""
    found = []
    year, quarter = quota.quarter_of(start)
    while quota.quarter_bounds(year, quarter)[0] <= end:
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def quarters_ending_in(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, quarter) of every calendar quarter whose last day lies in ``start``…``end``, oldest first."""
    return [q for q in quarters_overlapping(start, end) if start <= quota.quarter_bounds(*q)[1] <= end]


def _quarter_label(year: int, quarter: int) -> str:
    return f"Q{quarter} {year}"


# --- 2.7: the positive-screening share -----------------------------------------------------------------------------


def share_in_period(stays: Iterable[quota.StayFacts], start: dt.date, end: dt.date, today: dt.date) -> quota.Share:
    """Q-1…Q-3 over any period: the stays whose final code is 3197 and whose discharge date lies in ``start``…``end``
    and has come by ``today`` (only then is the final code known); numerator = those with a positive index
    screening (``quota.index_is_positive``)."""
    discharged = [
        s
        for s in stays
        if s.discharge_date is not None
        and start <= s.discharge_date <= min(end, today)
        and quota.final_code(s) == quota.WMR_CODE
    ]
    return quota.quota_share(discharged)


def positive_screening_share(
    stays: Iterable[quota.StayFacts], start: dt.date, end: dt.date, label: str, today: dt.date
) -> FacilityResult:
    """Rec. 2.7: of the WMR stays discharged in the period, more than 75 % screened positive (Q-4: compared as
    integers by ``quota.Share.outcome``; 75.0 % is not met). No such stay → no data (Q-5)."""
    share = share_in_period(stays, start, end, today)
    figures = {"num": share.numerator, "den": share.denominator, "period": label, "bar": SHARE_BAR_PERCENT}
    if share.outcome == quota.NOT_APPLICABLE:
        reason = _("No WMR stay discharged in %(period)s: no data.") % figures
    else:
        figures["percent"] = number_format(share.percent, 1)
        if share.outcome == quota.MET:
            reason = _(
                "%(num)d of %(den)d WMR stays discharged in %(period)s screened positive (%(percent)s %%), over the "
                "%(bar)d %% bar."
            )
        else:
            reason = _(
                "Only %(num)d of %(den)d WMR stays discharged in %(period)s screened positive (%(percent)s %%); the "
                "bar is over %(bar)d %%."
            )
        reason = reason % figures
    return FacilityResult(share.numerator, share.denominator, reason, target_percent=SHARE_BAR_PERCENT)


# --- 2.8: the quarterly report shared with the team ----------------------------------------------------------------


@dataclass(frozen=True)
class ReportFact:
    """The quarterly screening-quota report of a facility (``screening.models.QuotaReport``): the Europe/Berlin dates
    it was built and first marked as shared with the team (None: not yet)."""

    year: int
    quarter: int
    built_on: dt.date | None = None
    shared_on: dt.date | None = None


def _report_sentence(year: int, quarter: int, report: ReportFact | None, today: dt.date) -> tuple[str, int, int]:
    """(reason, met, due) of one quarter's report: ``due`` 0 while the report is not yet due (out of the rate)."""
    due = quota.share_due_date(year, quarter)
    figures = {"quarter": _quarter_label(year, quarter), "due": _d(due)}
    shared = report.shared_on if report else None
    built = report is not None and report.built_on is not None
    if shared is not None:
        figures["date"] = _d(shared)
        if quota.shared_in_time(year, quarter, shared) == quota.MET:
            return _("The report for %(quarter)s was shared with the team on %(date)s, due by %(due)s.") % figures, 1, 1
        return (
            _("The report for %(quarter)s was shared with the team only on %(date)s, due by %(due)s.") % figures,
            0,
            1,
        )
    if today <= due:
        if today <= quota.quarter_bounds(year, quarter)[1]:
            reason = _("The report for %(quarter)s is due by %(due)s, after the quarter has ended.")
        elif built:
            reason = _("The report for %(quarter)s is built but not shared with the team yet; due by %(due)s.")
        else:
            reason = _("No report for %(quarter)s yet; due by %(due)s.")
        return reason % figures, 0, 0
    if built:
        return _("The report for %(quarter)s was built but not shared with the team by %(due)s.") % figures, 0, 1
    return _("No report for %(quarter)s was shared with the team by %(due)s.") % figures, 0, 1


def quarterly_quota_report(
    reports: Mapping[tuple[int, int], ReportFact], start: dt.date, end: dt.date, label: str, today: dt.date
) -> FacilityResult:
    """Rec. 2.8 (Q-6): the report of each quarter that ends in the period is shared with the team within 14 days after
    the quarter's end (shared on the due date is in time). ``reports`` by (year, quarter). A quarter whose report is not
    due yet stays out of the denominator; a period in which no quarter ends has no data."""
    quarters = quarters_ending_in(start, end)
    if not quarters:
        reason = _("No quarter ends in %(period)s; the quarterly report is judged in the period its quarter ends.")
        return FacilityResult(0, 0, reason % {"period": label})
    sentences, numerator, denominator = [], 0, 0
    for year, quarter in quarters:
        sentence, met, due = _report_sentence(year, quarter, reports.get((year, quarter)), today)
        sentences.append(sentence)
        numerator += met
        denominator += due
    return FacilityResult(numerator, denominator, " ".join(sentences))
