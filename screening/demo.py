"""The screening part of the demo clinic: settings, and a realistic screening + assignment for every demo stay
that has begun, so the case overviews and the quarterly report of the demo show real figures.

Runs after ``patients.demo.load_demo`` (the ``load_demo`` command in ``cases`` calls both); idempotent: a stay
that already has a screening is left alone. Everything goes through the services (audit rows, rules enforced).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from patients.demo import FACILITIES, STAFF
from patients.models import DepartmentCode, Facility, Stay, StayStatus
from screening.instruments.loader import load_definition
from screening.models import InstrumentVersion, ScreeningSetting
from screening.selectors import setting_for
from screening.services import assignment
from screening.services.instruments import UnofficialInstrumentRefused, instrument_import, setting_set
from screening.services.results import result_record
from staff.models import Role, User

BERLIN = ZoneInfo("Europe/Berlin")
# Helen Berger (the Hamburg-model burnout patient) is left for the demo itself: her screening arrives through her
# patient link and the team records her assignment (the browser journey of issue 4 does exactly that).
LEFT_FOR_THE_DEMO = {("Helen", "Berger")}

# SIMBO-C DEMO-1 answers (screening.md §11): T1 = 87 points (positive), T2 = 16 (negative).
POSITIVE = {
    "age": 52,
    "employment_status": "unemployed",
    "sick_leave_now": "yes",
    "sick_leave_12m": "3_to_6_months",
    "limitation": 7,
    "prognosis": "unemployment_or_pension",
    "motivation": "yes",
}
NEGATIVE = {
    "age": 35,
    "employment_status": "full_time",
    "sick_leave_now": "no",
    "sick_leave_12m": "under_3_weeks",
    "limitation": 3,
    "prognosis": "stay_in_job",
    "motivation": "partly",
}

DEMO_SCREENING = ("simbo_c_demo_1", "simbo_27")  # SIMBO-C DEMO-1 with the default cut-off (screening.md F-3)


def ensure_settings(*, today: dt.date) -> bool:
    """Every demo facility screens both departments with SIMBO-C DEMO-1, preset simbo_27, unless it has a setting.

    Written through the screening services (audit rows), by the demo admin. A production installation refuses an
    unofficial table (PRODUCT CHOICE in ``screening.services.instruments``): then the demo has no setting and the
    clinic imports its licensed table first.
    """
    admin = User.objects.get(username=next(s.username for s in STAFF if s.role == Role.ADMIN))
    definition = load_definition(DEMO_SCREENING[0])
    instrument = InstrumentVersion.objects.filter(code=definition["code"], version=definition["version"]).first()
    if instrument is None:
        instrument = instrument_import(by=admin, data=definition)
    # before every demo stay: discharged stays began at most two quarters ago
    effective_from = dt.date(today.year - 1, 1, 1)
    for facility in Facility.objects.filter(ik_number__in=[f.ik_number for f in FACILITIES]):
        for code in (DepartmentCode.PSYCHOSOMATICS, DepartmentCode.WMR_INPATIENT):
            if ScreeningSetting.objects.filter(facility=facility, department_code=code).exists():
                continue
            try:
                setting_set(
                    by=admin,
                    facility=facility,
                    department_code=code,
                    instrument=instrument,
                    preset_code=DEMO_SCREENING[1],
                    effective_from=effective_from,
                )
            except UnofficialInstrumentRefused:
                return False
    return True


def _user(username: str) -> User:
    return User.objects.get(username=username)


def load_screening_demo(*, today: dt.date) -> int:
    """Settings plus screening and assignment for the demo stays that began; returns how many stays got one."""
    if not ensure_settings(today=today):
        return 0
    psychologist, physician = _user("psychologin"), _user("aerztin")
    stays = (
        Stay.objects.filter(facility__ik_number__in=[f.ik_number for f in FACILITIES])
        .exclude(status=StayStatus.INVITED)
        .filter(screenings__isnull=True)
        .select_related("patient", "facility")
        .order_by("admission_date", "number")
    )
    done = 0
    for index, stay in enumerate(stays):
        if (stay.patient.first_name, stay.patient.last_name) in LEFT_FOR_THE_DEMO:
            continue
        _screen_and_assign(stay, index=index, psychologist=psychologist, physician=physician, today=today)
        done += 1
    return done


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BERLIN)


def _screen_and_assign(stay: Stay, *, index: int, psychologist: User, physician: User, today: dt.date) -> None:
    """3197 stays screen positive and get WMR, except every fourth, whose need is found in the primary therapist's
    interview (rec. 2.2); 3100 stays screen negative and get no WMR, except every fifth, which screens positive,
    gets WMR and has its department code corrected on day 5 (rec. 2.5, in time)."""
    admission = stay.admission_date
    last_day = min(today, stay.discharge_date or today)
    if last_day < admission + dt.timedelta(days=2):
        return  # admitted today or yesterday: the team has not decided yet
    wmr = stay.department_code == DepartmentCode.WMR_INPATIENT
    need_only = wmr and index % 4 == 3
    switch_in = not wmr and index % 5 == 2
    positive = (wmr and not need_only) or switch_in
    setting = setting_for(stay, admission)
    result_record(
        stay=stay,
        instrument=setting.instrument,
        answers=POSITIVE if positive else NEGATIVE,
        rule=setting.rule,
        preset_code=setting.preset_code,
        channel="paper",
        by=psychologist,
        completed_at=_at(admission, 11),
    )
    assign = wmr or switch_in
    day2 = admission + dt.timedelta(days=1)
    if need_only:
        assignment.need_assessment_record(
            by=psychologist,
            stay=stay,
            source="primary_therapist_interview",
            assessed_on=day2,
            reason="Drohender Arbeitsplatzverlust, im Aufnahmegespräch deutlich geworden.",
        )
    assignment.motivation_record(by=psychologist, stay=stay, motivation="motivated", recorded_on=day2)
    assignment.contraindication_check_record(by=physician, stay=stay, checked_on=day2, findings=[])
    assignment.decision_record(
        by=psychologist,
        stay=stay,
        decision="assign" if assign else "not_assign",
        decided_on=admission + dt.timedelta(days=2),
        reason="" if not need_only else "Bedarf aus dem Aufnahmegespräch (Empfehlung 2.2).",
        participants="Ärztin, Bezugstherapeutin, Sozialdienst",
    )
    if switch_in and admission + dt.timedelta(days=4) <= last_day:
        assignment.code_correction_record(
            by=psychologist, stay=stay, corrected_on=admission + dt.timedelta(days=4), reference="301-DEMO"
        )
