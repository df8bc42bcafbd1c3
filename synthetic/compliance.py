"""Synthetic indicator results (``compliance.StayIndicator``): what the nightly refresh would have stored.

Every stay gets one row per stay measure of the registry (``compliance.registry.stay_basis()``, the keys
``refresh_stay`` stores), with ``period_date`` from ``compliance.services.period_date`` (admission or the — planned —
discharge by the measure's basis), ``recommendation`` from the catalogue, facility and department copied from the
stay, ``is_wmr`` as the app judges it (assigned to WMR; an invited stay has no decision yet, so not WMR).

**The states are drawn, not computed.** Running the registry's indicator functions costs about 30 queries per stay
(each provider reads its apps through their selectors): minutes at 50,000 stays, far over the generator's budget.
Instead each row's state follows the app's rules in shape, drawn from the stay's plan:

- scope: the invitation measures (1.1, 1.2, 1.4) apply to stays allocated to WMR (department 3197), screening (2.1) to
  every stay, the department-code correction (2.5) to the ~12 % of stays that need one, everything else only to
  WMR stays (not applicable otherwise, and for invited stays: "no WMR decision yet"); the trigger and limitation
  measures (7.1 workplace training, 8.2, 8.4, 8.6, 8.12) apply to a share of the WMR stays only;
- met with probability ``plan.compliance ** k`` (``k`` per measure, scaled per facility), so shares vary by stay,
  by measure and by facility: mostly green, some amber and red on the dashboard;
- time: a measure due by a stay day (2.1 by day 7, 5.3 by day 14 …) is judged from that day on, a measure due by
  discharge at discharge; before that a running stay shows "not yet due" unless it was met already. Invited stays
  can only have met the invitation measures (the letter goes out before admission);
- ``value``/``target`` where the app has a bar (minutes, days, copies, sick-leave days).

So the dashboard aggregates realistic rows, while the drill-down, which recomputes the reason of its 50 stays with
the real functions, may show that a stay's live state differs from the stored one (the page says so; the nightly
``compliance_refresh`` would make them agree: ``manage.py compliance_refresh`` on the synthetic facility).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from compliance import registry
from compliance.catalogue import by_measure
from compliance.models import StayIndicator
from compliance.services import nightly_since, period_date
from wmr.indicators import IndicatorState

NAME = "compliance"

BERLIN = ZoneInfo("Europe/Berlin")
MET, NOT_MET = IndicatorState.MET.value, IndicatorState.NOT_MET.value
NOT_APPLICABLE, NOT_YET_DUE = IndicatorState.NOT_APPLICABLE.value, IndicatorState.NOT_YET_DUE.value

# scopes: who the measure applies to
INVITATION, ALL, CODE, WMR = "invitation", "all", "code", "wmr"
CODE_CORRECTION_SHARE = 0.12

COLUMNS = [
    "stay_id",
    "measure",
    "recommendation",
    "state",
    "value",
    "target",
    "period_date",
    "facility_id",
    "department_code",
    "is_wmr",
    "computed_on",
    "computed_at",
]


@dataclass(frozen=True)
class Spec:
    """How one measure is drawn: ``scope``; ``due`` = the stay day by which it is judged (None: at discharge; 0: before
    admission); ``k`` = difficulty (P(met) = compliance ** k); ``applies`` = share of in-scope stays it applies to;
    ``target`` and ``value`` kind ("minutes", "day", "copies", "sick_bem", "sick_grtw") as the app fills them."""

    scope: str
    due: int | None
    k: float
    applies: float = 1.0
    target: int | None = None
    value: str = ""


SPECS: dict[str, Spec] = {
    "invitation_explains_wmr": Spec(INVITATION, 0, 0.35),
    "occupational_contacts_requested": Spec(INVITATION, 0, 2.2),
    "invitation_links_online_info": Spec(INVITATION, 0, 0.3),
    "screened_at_start": Spec(ALL, 7, 0.5, target=7, value="day"),
    "contraindications_checked_before_assignment": Spec(WMR, 3, 0.25),
    "department_code_corrected_week1": Spec(CODE, 7, 1.0, target=7, value="day"),
    "motivation_clarified_before_assignment": Spec(WMR, 3, 0.4),
    "work_goals_at_start": Spec(WMR, 7, 0.45, target=7, value="day"),
    "goal_agreement_written": Spec(WMR, 10, 0.4),
    "goals_reviewed_after_diagnostics": Spec(WMR, None, 0.9),
    "goal_agreement_copy_handed_over": Spec(WMR, None, 0.35),
    "diagnostics_90min_multiprofessional": Spec(WMR, None, 0.3, target=90, value="minutes"),
    "profile_comparison_done": Spec(WMR, None, 0.5),
    "team_conference_on_profiles": Spec(WMR, None, 0.6),
    "counseling_total_90min": Spec(WMR, None, 0.3, target=90, value="minutes"),
    "counseling_individual_60min": Spec(WMR, None, 0.4, target=60, value="minutes"),
    "first_counseling_within_14d": Spec(WMR, 14, 0.6, target=14, value="day"),
    "work_groups_240min": Spec(WMR, None, 0.35, target=240, value="minutes"),
    "workplace_training_360min": Spec(WMR, None, 1.2, applies=0.5, target=360, value="minutes"),
    "bem_examined_after_6_weeks": Spec(WMR, None, 1.3, applies=0.45, value="sick_bem"),
    "graded_rtw_examined_after_3_months": Spec(WMR, None, 0.5, applies=0.25, value="sick_grtw"),
    "vocational_rehab_recommended_when_limited": Spec(WMR, None, 0.7, applies=0.3),
    "sociomedical_appraisal_when_limited": Spec(WMR, None, 0.45, applies=0.35),
    "rtw_plan_documented": Spec(WMR, None, 2.0),
    "two_discharge_copies": Spec(WMR, None, 0.6, target=2, value="copies"),
}


def measures() -> list[tuple[str, str, str, Spec]]:
    """(measure, recommendation id, basis, spec) for every stay measure of the registry, sorted by key. A measure the
    registry gains later without a spec here is drawn as a plain WMR measure judged at discharge."""
    catalogue = by_measure()
    basis = registry.stay_basis()
    default = Spec(WMR, None, 0.5)
    return [(key, catalogue[key].id, basis[key], SPECS.get(key, default)) for key in sorted(basis)]


def facility_difficulty(options, facility_index: int) -> dict[str, float]:
    """Per measure a factor on ``k`` for one facility (0.6–1.6): clinics differ in what they do well."""
    rng = random.Random(f"{options.seed}/{facility_index}/{NAME}/facility")
    return {key: rng.uniform(0.6, 1.6) for key in sorted(registry.stay_basis())}


def prepare(options, writer, fctx) -> None:
    fctx.extra[f"{NAME}.difficulty"] = facility_difficulty(options, fctx.index)


def _value(spec: Spec, state: str, rng: random.Random, met_day: int, elapsed: float) -> int | None:
    kind, target = spec.value, spec.target
    if kind == "minutes":
        if state == MET:
            return target + rng.randrange(0, target + 1)
        if state == NOT_MET:
            return int(target * rng.uniform(0.2, 0.95))
        if state == NOT_YET_DUE:
            return int(target * min(0.95, elapsed * rng.uniform(0.5, 1.0)))
        return None
    if kind == "day":
        if state == MET:
            return met_day
        if state == NOT_MET and rng.random() < 0.5:
            return target + rng.randrange(1, 11)
        return None
    if kind == "copies":
        return {MET: 2, NOT_MET: rng.choice((0, 1))}.get(state, 0)
    return None


def _sick_days(spec: Spec, applies: bool, rng: random.Random) -> int | None:
    if spec.value == "sick_bem":
        return rng.randrange(43, 250) if applies else rng.randrange(0, 43)
    if spec.value == "sick_grtw":
        return rng.randrange(90, 300) if applies else rng.randrange(0, 90)
    return None


def draw(spec: Spec, plan, today: dt.date, p_met: float, rng: random.Random) -> tuple[str, int | None]:
    """(state, value) of one measure of one stay on ``today``."""
    invited = plan.status == "invited"
    if spec.scope == INVITATION:
        in_scope = plan.department_code == "3197"
    elif spec.scope == ALL:
        in_scope = True
    elif spec.scope == CODE:
        in_scope = not invited and rng.random() < CODE_CORRECTION_SHARE
    else:
        in_scope = plan.wmr and not invited
    applies = in_scope and (spec.applies >= 1.0 or rng.random() < spec.applies)
    met = rng.random() < p_met
    sick = _sick_days(spec, applies, rng) if in_scope else None
    if not applies:
        return NOT_APPLICABLE, sick
    length = (plan.discharge - plan.admission).days + 1
    if invited:
        # only what happens before admission: the invitation letter (sent or not yet), the screening still open
        state = MET if spec.due == 0 and met and rng.random() < 0.85 else NOT_YET_DUE
        return state, None
    last = plan.last_day(today)
    current = (last - plan.admission).days + 1  # the stay day events have reached
    judged_on = length if spec.due is None else max(1, min(spec.due, length))
    if spec.due == 0:
        met_day = 0
    elif spec.due is None:
        met_day = rng.randrange(max(1, length // 3), length + 1)
    else:
        met_day = rng.randrange(1, judged_on + 1)
    discharged = plan.status == "discharged"
    if met and (met_day <= current):
        state = MET
    elif discharged or (spec.due is not None and current >= judged_on and not met):
        state = NOT_MET
    else:
        state = NOT_YET_DUE
    if sick is not None:
        return state, sick
    return state, _value(spec, state, rng, met_day, current / length)


def seed_chunk(options, writer, chunk) -> None:
    rng = chunk.rng(options.seed, NAME)
    rows_of = measures()
    difficulty = chunk.facility.extra.get(f"{NAME}.difficulty") or facility_difficulty(options, chunk.facility.index)
    since = nightly_since(options.today)
    nightly_at = dt.datetime.combine(options.today, dt.time(3, 30), tzinfo=BERLIN)
    rows = []
    for plan, stay in zip(chunk.plans, chunk.stays, strict=True):
        is_wmr = plan.wmr and plan.status != "invited"
        # the nightly job keeps the last five quarters fresh; older stays were last computed after their discharge
        fresh = plan.status != "discharged" or plan.discharge >= since
        computed_on = options.today if fresh else plan.discharge + dt.timedelta(days=1)
        computed_at = nightly_at if fresh else dt.datetime.combine(computed_on, dt.time(3, 30), tzinfo=BERLIN)
        # the per-stay values as text once (the writer takes ISO text for dates): 25 rows share them
        dates = {basis: period_date(stay, basis).isoformat() for basis in (registry.ADMISSION, registry.DISCHARGE)}
        computed_on, computed_at = computed_on.isoformat(), computed_at.isoformat()
        for key, rec, basis, spec in rows_of:
            p_met = plan.compliance ** (spec.k * difficulty.get(key, 1.0))
            state, value = draw(spec, plan, options.today, p_met, rng)
            rows.append(
                (
                    stay.pk,
                    key,
                    rec,
                    state,
                    value,
                    spec.target,
                    dates[basis],
                    stay.facility_id,
                    stay.department_code,
                    is_wmr,
                    computed_on,
                    computed_at,
                )
            )
    writer.copy_values(StayIndicator, COLUMNS, rows)
