"""Pure rules of the course indicators: goals (3.3, 3.4, 3.6, 3.7, 3.9), diagnostics (4.1, 4.7, 4.10) and the
weekly case conference (9.12). No ORM, no clock: ``today`` is always a parameter.

Contract (the same as ``therapy.rules`` and ``reintegration.indicators``): ``compliance.indicators.course`` builds one
``CourseFacts`` per stay from the selectors of screening, goals and diagnostics; the functions of ``INDICATORS`` judge
them and return a ``wmr.indicators.IndicatorResult`` with the reason in words (translated when called).

The rules themselves live with their apps and are reused here, never re-derived: ``screening.rules.wmr_applicability``
(is the stay WMR on ``today``?), ``goals.rules.first_week_state`` (3.4), ``diagnostics.rules.diagnostics_at_start``
(4.1), ``diagnostics.rules_conference.conference_due_state`` (4.10, computed by its selector) and
``weekly_conferences`` (9.12). Where such a rule answers in its own states, the mapping to met / not met / not yet due
is written out below.

States: ``not_applicable`` for a stay that is not WMR on ``today``. A stay's record counts as of ``today``: anything
dated later is ignored, so a result recomputed for an earlier day is what that day showed. What has no deadline of
its own is judged at discharge (as in ``reintegration.indicators``): ``not_yet_due`` until the stay is discharged,
``not_met`` from the discharge day on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.registry import FacilityResult
from diagnostics import rules as diagnostics_rules
from diagnostics import rules_conference
from goals import rules as goals_rules
from screening import rules as screening_rules
from wmr.indicators import IndicatorResult, IndicatorState

Applicability = screening_rules.Applicability
DecisionFact = screening_rules.DecisionFact
wmr_applicability = screening_rules.wmr_applicability

MET = IndicatorState.MET
NOT_MET = IndicatorState.NOT_MET
NOT_YET_DUE = IndicatorState.NOT_YET_DUE
NOT_APPLICABLE = IndicatorState.NOT_APPLICABLE


def _d(on: dt.date) -> str:
    return f"{on:%d.%m.%Y}"


def day_of(admission: dt.date, on: dt.date) -> int:
    """The day of the stay ``on`` falls on (day 1 = admission day)."""
    return (on - admission).days + 1


# --- the facts of a stay -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreedVersion:
    """A version of the goal agreement that was agreed with the patient (in force now or superseded since)."""

    version: int
    agreed_on: dt.date
    copy_handed_over_on: dt.date | None = None


@dataclass(frozen=True)
class CourseFacts:
    """Everything the course indicators need of one stay.

    ``discharged_on``: the actual discharge date (None while the patient is in the clinic).
    ``decisions``/``motivations_on``: the assignment decisions (oldest first) and the dates motivation records were
    made (screening, A-5).
    ``goals_written_on``: the date of the first version of the goal agreement that has goals (goals selector);
    ``agreed_versions``: every version agreed with the patient; ``reviews_after_diagnostics``: the dates of the goal
    reviews of occasion "after the work-related diagnostics".
    ``diagnostic_sessions``: the stay's diagnostic sessions (4.1).
    ``comparison_ready_on``: the day capacity and job demands could first be compared (both profiles rated, same
    instrument; the admission comparison, else the discharge comparison); ``comparison_refused``: why the stay's
    profiles cannot be compared (K-7), "" otherwise.
    ``conference``: the stay's state of rec 4.10 / K-6 on ``today`` as the case overview computes it;
    ``conference_professions``: the professions at the conference where the stay was last discussed.
    """

    admission: dt.date
    wmr: Applicability
    discharged_on: dt.date | None = None
    decisions: tuple[DecisionFact, ...] = ()
    motivations_on: tuple[dt.date, ...] = ()
    goals_written_on: dt.date | None = None
    agreed_versions: tuple[AgreedVersion, ...] = ()
    reviews_after_diagnostics: tuple[dt.date, ...] = ()
    diagnostic_sessions: tuple[diagnostics_rules.SessionFact, ...] = ()
    comparison_ready_on: dt.date | None = None
    comparison_refused: str = ""
    conference: rules_conference.ConferenceDue | None = None
    conference_professions: tuple[str, ...] = ()

    def judged(self, today: dt.date) -> bool:
        """Judged at discharge: from the discharge day on."""
        return self.discharged_on is not None and today >= self.discharged_on

    def in_force(self, today: dt.date) -> AgreedVersion | None:
        """The version of the goal agreement in force on ``today``: the newest one agreed on or before it."""
        agreed = [v for v in self.agreed_versions if v.agreed_on <= today]
        return max(agreed, key=lambda v: (v.agreed_on, v.version)) if agreed else None


def _result(state: IndicatorState, reason: str, value: int | None = None, target: int | None = None):
    return IndicatorResult(state, reason, value, target)


def _open(facts: CourseFacts, today: dt.date, reason: str, value: int | None = None, target: int | None = None):
    """Not (yet) there: ``not_met`` from the discharge day on, ``not_yet_due`` before."""
    return _result(NOT_MET if facts.judged(today) else NOT_YET_DUE, reason, value, target)


def _not_wmr(facts: CourseFacts, target: int | None = None) -> IndicatorResult | None:
    if facts.wmr.applies:
        return None
    return _result(NOT_APPLICABLE, facts.wmr.reason, None, target)


def _by_discharge(facts: CourseFacts, today: dt.date) -> str:
    if facts.judged(today):
        return _("by discharge on %(date)s") % {"date": _d(facts.discharged_on)}
    return _("before discharge")


# --- 3.3 motivation before the assignment ---------------------------------------------------------------------------


def motivation_clarified_before_assignment(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 3.3 (screening A-5): the motivation for work-related topics is recorded on or before the day WMR was first
    assigned. Any motivation counts (``not_motivated`` too: the recommendation asks for clarification, not
    exclusion). A WMR stay always has its assignment, so there is no "not yet due"; the assignment service refuses
    WMR without a motivation, so "not met" marks records from before that check (e.g. imported)."""
    if (na := _not_wmr(facts)) is not None:
        return na
    assigned = [d.decided_on for d in facts.decisions if d.decision == screening_rules.ASSIGN and d.decided_on <= today]
    if not assigned:  # applicability without an assignment cannot happen; answer in words rather than fail
        return _result(NOT_APPLICABLE, _("WMR has not been assigned."))
    first = min(assigned)
    before = [on for on in facts.motivations_on if on <= first]
    if before:
        reason = _("Motivation clarified on %(date)s, before WMR was assigned on %(assigned)s.") % {
            "date": _d(min(before)),
            "assigned": _d(first),
        }
        return _result(MET, reason)
    after = [on for on in facts.motivations_on if first < on <= today]
    if after:
        reason = _("Motivation recorded only on %(date)s, after WMR was assigned on %(assigned)s.") % {
            "date": _d(min(after)),
            "assigned": _d(first),
        }
    else:
        reason = _("No motivation recorded before WMR was assigned on %(assigned)s.") % {"assigned": _d(first)}
    return _result(NOT_MET, reason)


# --- 3.4 goals in the first week ------------------------------------------------------------------------------------


def work_goals_at_start(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 3.4 with the goals app's rule (``goals.rules.first_week_state``): goals written on or before day 7.

    Mapping: ``met`` → met; ``late`` (written after day 7) and ``overdue`` (nothing written, day 7 passed) → not met;
    ``open`` (nothing written, day 7 not passed) → not yet due, or not met once the patient was discharged before
    day 7. ``value`` is the day of the stay the goals were written on, ``target`` 7."""
    target = goals_rules.FIRST_WEEK_LAST_DAY
    if (na := _not_wmr(facts, target)) is not None:
        return na
    written_on = facts.goals_written_on if facts.goals_written_on and facts.goals_written_on <= today else None
    state = goals_rules.first_week_state(written_on, facts.admission, today)
    due = goals_rules.first_week_due(facts.admission)
    figures = {"due": target, "date": _d(due)}
    if written_on is not None:
        day = day_of(facts.admission, written_on)
        figures.update(day=day, written=_d(written_on))
        if state == "met":
            return _result(
                MET, _("Goals written on day %(day)d (%(written)s), due by day %(due)d.") % figures, day, target
            )
        # "late"
        return _result(NOT_MET, _("Goals written only on day %(day)d, due by day %(due)d.") % figures, day, target)
    if state == "overdue":
        return _result(NOT_MET, _("No goals written by day %(due)d (%(date)s).") % figures, None, target)
    # "open"
    if facts.judged(today):
        reason = _("No goals written by discharge on %(discharge)s, before day %(due)d.") % {
            **figures,
            "discharge": _d(facts.discharged_on),
        }
        return _result(NOT_MET, reason, None, target)
    return _result(NOT_YET_DUE, _("No goals written yet; due by day %(due)d (%(date)s).") % figures, None, target)


# --- 3.6 goals reviewed after the diagnostics ---------------------------------------------------------------------


def goals_reviewed_after_diagnostics(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 3.6: a review of the goals "after the work-related diagnostics" dated on or after the day their findings
    were ready — the day capacity and job demands could be compared (the profiles are the diagnostics' findings,
    mini_icf_app.md §1; the goals app leaves judging the review against the diagnostics to this indicator). A review
    dated before that day did not check the goals against the findings and does not count. No deadline of its own:
    judged at discharge."""
    if (na := _not_wmr(facts)) is not None:
        return na
    reviews = sorted(on for on in facts.reviews_after_diagnostics if on <= today)
    ready = facts.comparison_ready_on if facts.comparison_ready_on and facts.comparison_ready_on <= today else None
    by = _by_discharge(facts, today)
    if ready is not None:
        after = [on for on in reviews if on >= ready]
        if after:
            reason = _("Goals reviewed after the diagnostics on %(date)s (findings ready on %(ready)s).") % {
                "date": _d(after[0]),
                "ready": _d(ready),
            }
            return _result(MET, reason)
        if reviews:
            reason = _(
                "Goals reviewed on %(date)s, before the diagnostic findings were ready on %(ready)s; no review "
                "after them %(by)s."
            ) % {"date": _d(reviews[-1]), "ready": _d(ready), "by": by}
        else:
            reason = _("No review of the goals after the diagnostics (findings ready on %(ready)s) %(by)s.") % {
                "ready": _d(ready),
                "by": by,
            }
        return _open(facts, today, reason)
    if reviews:
        reason = _(
            "Goals reviewed on %(date)s, but no comparison of capacity and job demands was ready to check them "
            "against %(by)s."
        ) % {"date": _d(reviews[-1]), "by": by}
    else:
        reason = _("The diagnostic findings (comparison of capacity and job demands) are not ready %(by)s.") % {
            "by": by
        }
    return _open(facts, today, reason)


# --- 3.7 goal agreement, 3.9 the patient's copy --------------------------------------------------------------------


def goal_agreement_written(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 3.7: the goals are written down in a goal agreement — a version agreed with the patient (a draft is the
    work on the agreement, not the agreement). Met from the first agreement on; judged at discharge."""
    if (na := _not_wmr(facts)) is not None:
        return na
    agreed = [v for v in facts.agreed_versions if v.agreed_on <= today]
    if agreed:
        first = min(agreed, key=lambda v: (v.agreed_on, v.version))
        reason = _("Goal agreement (version %(version)d) agreed with the patient on %(date)s.") % {
            "version": first.version,
            "date": _d(first.agreed_on),
        }
        return _result(MET, reason)
    by = _by_discharge(facts, today)
    if facts.goals_written_on is not None and facts.goals_written_on <= today:
        reason = _("Goals written on %(date)s, but not agreed with the patient in a goal agreement %(by)s.") % {
            "date": _d(facts.goals_written_on),
            "by": by,
        }
    else:
        reason = _("No goal agreement %(by)s.") % {"by": by}
    return _open(facts, today, reason)


def goal_agreement_copy_handed_over(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 3.9: the patient received a copy of the goal agreement in force (the goals selector's "copy handed over"
    of the agreed version: a copy of a version replaced since is not the agreement). Judged at discharge."""
    if (na := _not_wmr(facts)) is not None:
        return na
    version = facts.in_force(today)
    by = _by_discharge(facts, today)
    if version is None:
        return _open(facts, today, _("No agreed goal agreement whose copy could be handed over %(by)s.") % {"by": by})
    figures = {"version": version.version, "agreed": _d(version.agreed_on), "by": by}
    handed_over = version.copy_handed_over_on
    if handed_over is not None and handed_over <= today:
        reason = _("Copy of the goal agreement (version %(version)d) handed over on %(date)s.") % {
            **figures,
            "date": _d(handed_over),
        }
        return _result(MET, reason)
    reason = _("Copy of the goal agreement (version %(version)d, agreed on %(agreed)s) not handed over %(by)s.")
    return _open(facts, today, reason % figures)


# --- 4.1 diagnostics at the start ----------------------------------------------------------------------------------


def diagnostics_90min_multiprofessional(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 4.1 with the diagnostics app's rule (``diagnostics.rules.diagnostics_at_start``: ≥ 90 minutes and ≥ 2
    professions in start sessions by day 10).

    Mapping: ``met`` → met; ``late`` (reached only after day 10) and ``overdue`` (not reached, day 10 passed) → not
    met; ``open`` (not reached, day 10 not passed) → not yet due, or not met once the patient was discharged.
    ``value`` the minutes that count, ``target`` 90; the reason is the diagnostics app's sentence."""
    target = diagnostics_rules.MIN_MINUTES
    if (na := _not_wmr(facts, target)) is not None:
        return na
    sessions = [s for s in facts.diagnostic_sessions if s.held_on <= today]
    start = diagnostics_rules.diagnostics_at_start(sessions, admission=facts.admission, today=today)
    if start.state == "met":
        return _result(MET, start.reason, start.minutes, target)
    if start.state in ("late", "overdue"):
        return _result(NOT_MET, start.reason, start.minutes, target)
    # "open"
    if facts.judged(today):
        reason = _("Discharged on %(date)s before the diagnostics were complete: %(reason)s") % {
            "date": _d(facts.discharged_on),
            "reason": start.reason,
        }
        return _result(NOT_MET, reason, start.minutes, target)
    return _result(NOT_YET_DUE, start.reason, start.minutes, target)


# --- 4.7 profile comparison -----------------------------------------------------------------------------------------


def profile_comparison_done(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 4.7: capacity set against job demands on a standardized instrument (the app's comparison, K-1…K-9, with
    its chart): met from the day both profiles of a comparison are rated. Two profiles that cannot be compared
    (K-7: other instrument or dimensions) do not count. No deadline of its own: judged at discharge."""
    if (na := _not_wmr(facts)) is not None:
        return na
    ready = facts.comparison_ready_on
    if ready is not None and ready <= today:
        return _result(
            MET, _("Capacity and job demands compared (both profiles rated by %(date)s).") % {"date": _d(ready)}
        )
    by = _by_discharge(facts, today)
    if facts.comparison_refused:
        reason = _("The profiles cannot be compared %(by)s: %(refused)s") % {
            "by": by,
            "refused": facts.comparison_refused,
        }
    else:
        reason = _("No comparison of a rated capacity profile with a rated job-demand profile %(by)s.") % {"by": by}
    return _open(facts, today, reason)


# --- 4.10 team conference on the profiles ---------------------------------------------------------------------------


def team_conference_on_profiles(facts: CourseFacts, today: dt.date) -> IndicatorResult:
    """Rec 4.10 with the diagnostics app's rule (``rules_conference.conference_due_state``, K-6): the stay was
    discussed at a team conference with a comparison that was ready on the conference day, and that conference was
    interprofessional (``rules_conference.meets_weekly_rule``: at least three professions, the bar of 9.12).

    Mapping: ``met`` at an interprofessional conference → met; everything else (``open``, ``due``, ``overdue``,
    ``without_comparison``, ``met`` at a smaller meeting) can still be put right at a later conference, so it is not
    yet due until discharge and not met from then on. The reason is the diagnostics app's sentence."""
    if (na := _not_wmr(facts)) is not None:
        return na
    due = facts.conference or rules_conference.ConferenceDue(rules_conference.DueState.OPEN)
    if due.state == rules_conference.DueState.MET:
        if rules_conference.meets_weekly_rule(facts.conference_professions):
            return _result(MET, due.reason)
        n = len({p for p in facts.conference_professions if p and p not in rules_conference.NOT_A_PROFESSION})
        reason = _(
            "Discussed at the team conference of %(date)s with the comparison, but with %(n)d profession(s) only; "
            "an interprofessional conference needs %(min)d."
        ) % {"date": _d(due.discussed_on), "n": n, "min": rules_conference.MIN_PROFESSIONS}
        return _open(facts, today, reason)
    if due.state == rules_conference.DueState.OPEN and facts.judged(today):
        reason = _("Not discussed at a team conference with the profile comparison by discharge on %(date)s.") % {
            "date": _d(facts.discharged_on)
        }
        return _result(NOT_MET, reason)
    return _open(facts, today, due.reason)


# The indicator functions by their measure key in wmr/data/recommendations.csv.
INDICATORS: dict[str, Callable[[CourseFacts, dt.date], IndicatorResult]] = {
    "motivation_clarified_before_assignment": motivation_clarified_before_assignment,
    "work_goals_at_start": work_goals_at_start,
    "goals_reviewed_after_diagnostics": goals_reviewed_after_diagnostics,
    "goal_agreement_written": goal_agreement_written,
    "goal_agreement_copy_handed_over": goal_agreement_copy_handed_over,
    "diagnostics_90min_multiprofessional": diagnostics_90min_multiprofessional,
    "profile_comparison_done": profile_comparison_done,
    "team_conference_on_profiles": team_conference_on_profiles,
}


def indicators(facts: CourseFacts, today: dt.date) -> dict[str, IndicatorResult]:
    """Every course indicator of a stay, by measure key, in the order of the recommendations."""
    return {key: function(facts, today) for key, function in INDICATORS.items()}


# --- 9.12 weekly case conference (facility) -------------------------------------------------------------------------


def period_weeks(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The ISO weeks of a period as (first Monday, last day to count), or None when none has begun by ``today``.

    A week belongs to the period that holds its Thursday (the ISO 8601 rule for years, applied to months and
    quarters), so a week across a period boundary counts in exactly one period. The last day to count is that
    week's Sunday, or ``today`` while the period runs (conferences after ``today`` never count)."""
    first = rules_conference.monday_of(start)
    if first + dt.timedelta(days=3) < start:
        first += dt.timedelta(days=7)
    last = rules_conference.monday_of(end)
    if last + dt.timedelta(days=3) > end:
        last -= dt.timedelta(days=7)
    until = min(last + dt.timedelta(days=6), today)
    if last < first or until < first:
        return None
    return first, until


def _week_label(week: rules_conference.Week) -> str:
    year, number = week.iso_week
    return _("week %(week)d/%(year)d (%(monday)s–%(sunday)s)") % {
        "week": number,
        "year": year,
        "monday": f"{week.monday:%d.%m.}",
        "sunday": _d(week.sunday),
    }


def weekly_case_conference_result(weeks: Iterable[rules_conference.Week]) -> FacilityResult:
    """Rec 9.12 over a period: weeks with an interprofessional case conference (``rules_conference.weekly_conferences``:
    one conference with at least three professions) of the weeks that are over or already met. The running week
    that has no such conference yet is not yet due: it is named in the reason, never counted against the clinic."""
    weeks = list(weeks)
    met = [w for w in weeks if w.state == rules_conference.WeekState.MET]
    missed = [w for w in weeks if w.state == rules_conference.WeekState.NOT_MET]
    running = [w for w in weeks if w.state == rules_conference.WeekState.NOT_YET_DUE]
    counted = len(met) + len(missed)
    if not counted:
        reason = _("No week of the period is over yet.") if running else _("The period has not begun yet.")
        return FacilityResult(0, 0, reason)
    parts = [
        ngettext(
            "%(met)d of %(n)d week with an interprofessional case conference (at least %(min)d professions).",
            "%(met)d of %(n)d weeks with an interprofessional case conference (at least %(min)d professions).",
            counted,
        )
        % {"met": len(met), "n": counted, "min": rules_conference.MIN_PROFESSIONS}
    ]
    if missed:
        weeks_missed = "; ".join(f"{_week_label(w)}: {w.reason.rstrip('.')}" for w in missed)
        parts.append(_("Not met: %(weeks)s.") % {"weeks": weeks_missed})
    if running:
        parts.append(_("The running week is not yet due: %(reason)s") % {"reason": running[0].reason})
    return FacilityResult(len(met), counted, " ".join(parts))
