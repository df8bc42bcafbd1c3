"""Writes of the sick-leave history (rec 8.2, 8.4; hamburg_model.md §10, K-1): the periods of absence before rehab,
the recorded examination of a trigger (BEM, graded return) and the patient's work situation.

Every service checks first and raises ``SickLeaveRefused`` with a message the page shows as it is (nothing stored),
then writes in one transaction with ``full_clean`` and one audit row. simple-history keeps every earlier version:
a wrong period is corrected (its history shows what it said); removing one is itself a correction with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Stay
from reintegration import sickleave as rules
from reintegration.errors import SickLeaveDuplicate, SickLeaveRefused
from reintegration.models import SickLeavePeriod, TriggerExamination, WorkSituation
from wmr import audit

PERIOD_FIELDS = ("kind", "starts_on", "ends_on", "diagnosis_group", "note")
WORK_SITUATION_FIELDS = (
    "working_days_per_week",
    "hours_per_day",
    "disability",
    "work_accident",
    "unemployment_benefit",
    "statutory_sick_pay",
    "job_risk",
    "note",
)


def _date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


# --- sick-leave periods -------------------------------------------------------------------------------------------


def _check_period(stay: Stay, data: dict, today: dt.date, *, exclude: int | None = None) -> None:
    """Bad input refused with a message that names the problem (the model's check constraint is the last guard)."""
    starts_on, ends_on = data["starts_on"], data["ends_on"]
    if ends_on is not None and ends_on < starts_on:
        raise SickLeaveRefused(
            _("The period cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": _date(ends_on), "start": _date(starts_on)}
        )
    if starts_on > today:
        raise SickLeaveRefused(_("The start %(date)s lies in the future.") % {"date": _date(starts_on)})
    if starts_on >= stay.admission_date:
        raise SickLeaveRefused(
            _(
                "The sick-leave history covers the time before the admission on %(date)s: a period must start "
                "before it. The rehab stay itself is counted without an entry."
            )
            % {"date": _date(stay.admission_date)}
        )
    window_start, _end = rules.window(stay.admission_date - rules.ONE_DAY)
    if ends_on is not None and ends_on < window_start:
        raise SickLeaveRefused(
            _(
                "This period ended before the 12 months before admission (from %(date)s) and would not count. "
                "Please check the dates."
            )
            % {"date": _date(window_start)}
        )
    duplicates = SickLeavePeriod.objects.filter(stay=stay, starts_on=starts_on, ends_on=ends_on)
    if exclude is not None:
        duplicates = duplicates.exclude(pk=exclude)
    if duplicates.exists():
        raise SickLeaveDuplicate()


def _clean_period_values(values: dict) -> dict:
    data = {name: values.get(name) for name in PERIOD_FIELDS}
    data["kind"] = data["kind"] or rules.CERTIFIED
    for name in ("diagnosis_group", "note"):
        data[name] = (data[name] or "").strip()
    return data


def _period_data(period: SickLeavePeriod) -> dict:
    return {
        "kind": period.kind,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat() if period.ends_on else None,
    }


def sick_leave_add(
    *,
    by,
    stay: Stay,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    kind: str = rules.CERTIFIED,
    diagnosis_group: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> SickLeavePeriod:
    """One period of absence before the admission (B-2: certified AU, sick days without a certificate, a cure or
    rehab stay); ``ends_on`` None while it goes on.

    Refused: an end before the start, a start in the future or on/after the admission, a period that ended before
    the 12-month window of the admission (it would not count), and a second period with the same dates."""
    today = today or timezone.localdate()
    data = _clean_period_values(
        {"kind": kind, "starts_on": starts_on, "ends_on": ends_on, "diagnosis_group": diagnosis_group, "note": note}
    )
    _check_period(stay, data, today)
    with transaction.atomic():
        period = SickLeavePeriod(stay=stay, created_by=by, **data)
        period._history_user = by
        period.full_clean()
        period.save()
        audit.log(period, "reintegration.sick_leave.added", user=by, data=_period_data(period))
    return period


def sick_leave_correct(*, by, period: SickLeavePeriod, today: dt.date | None = None, **values) -> SickLeavePeriod:
    """Correct a period (``values``: kind, starts_on, ends_on, diagnosis_group, note). The earlier version stays in
    the history. Same checks as ``sick_leave_add``; an unchanged entry is not saved again."""
    today = today or timezone.localdate()
    data = _clean_period_values(values)
    changed = [name for name in PERIOD_FIELDS if getattr(period, name) != data[name]]
    if not changed:
        return period
    _check_period(period.stay, data, today, exclude=period.pk)
    with transaction.atomic():
        before = _period_data(period)
        for name, value in data.items():
            setattr(period, name, value)
        period._history_user = by
        period.full_clean()
        period.save()
        audit.log(
            period,
            "reintegration.sick_leave.changed",
            user=by,
            data={"fields": changed, "before": before, "after": _period_data(period)},
        )
    return period


def sick_leave_remove(*, by, period: SickLeavePeriod, reason: str) -> None:
    """Remove a period entered by mistake: a correction with a reason, audit-logged with what it said; the history
    keeps its versions. A wrong date is corrected instead (``sick_leave_correct``)."""
    reason = (reason or "").strip()
    if not reason:
        raise SickLeaveRefused(_("Please give the reason why this period is removed."))
    with transaction.atomic():
        audit.log(
            period,
            "reintegration.sick_leave.removed",
            user=by,
            data={**_period_data(period), "reason": reason[:500]},
        )
        period._history_user = by
        period._change_reason = reason[:100]
        period.delete()


# --- trigger examinations (rec 8.2, 8.4; K-4) -------------------------------------------------------------------


def trigger_examination_record(
    *,
    by,
    stay: Stay,
    kind: str,
    examined_on: dt.date,
    outcome: str,
    note: str = "",
    today: dt.date | None = None,
) -> TriggerExamination:
    """The outcome of examining a trigger (BEM, rec 8.2; graded return, rec 8.4): closes its task on the case
    overview. A later examination of the same kind supersedes the earlier one; both are kept.

    Refused: a date in the future or before the admission. A date after the discharge is accepted (the follow-up)
    and shown as late (K-4: the graded-return check belongs on or before the discharge day)."""
    today = today or timezone.localdate()
    if examined_on > today:
        raise SickLeaveRefused(_("The examination date %(date)s lies in the future.") % {"date": _date(examined_on)})
    if examined_on < stay.admission_date:
        raise SickLeaveRefused(
            _("The examination cannot lie before the admission on %(date)s.") % {"date": _date(stay.admission_date)}
        )
    with transaction.atomic():
        examination = TriggerExamination(
            stay=stay, kind=kind, examined_on=examined_on, outcome=outcome, note=(note or "").strip(), recorded_by=by
        )
        examination._history_user = by
        examination.full_clean()
        examination.save()
        audit.log(
            examination,
            "reintegration.trigger.examined",
            user=by,
            data={"kind": kind, "outcome": outcome, "examined_on": examined_on.isoformat()},
        )
    return examination


# --- work situation -------------------------------------------------------------------------------------------------


def _jsonable(value):
    return str(value) if isinstance(value, Decimal) else value


def work_situation_save(*, by, stay: Stay, **values) -> WorkSituation:
    """Record or change the stay's work situation (one per stay; ``values``: working_days_per_week, hours_per_day,
    disability, work_accident, unemployment_benefit, statutory_sick_pay, job_risk, note). The working days per week
    feed the BEM working-day rule (B-5); the rest the payer table (§3), C-4 and the checklists. simple-history keeps
    the earlier versions; an unchanged form is not saved again."""
    data = {name: values[name] for name in WORK_SITUATION_FIELDS if name in values}
    if "note" in data:
        data["note"] = (data["note"] or "").strip()
    with transaction.atomic():
        situation = WorkSituation.objects.select_for_update().filter(stay=stay).first()
        created = situation is None
        if created:
            situation = WorkSituation(stay=stay)
        changed = [name for name, value in data.items() if created or getattr(situation, name) != value]
        if not changed:
            return situation
        for name, value in data.items():
            setattr(situation, name, value)
        situation.updated_by = by
        situation.updated_at = timezone.now()
        situation._history_user = by
        situation.full_clean()
        situation.save()
        audit.log(
            situation,
            "reintegration.work_situation.recorded" if created else "reintegration.work_situation.changed",
            user=by,
            data={
                "fields": changed,
                "values": {name: _jsonable(getattr(situation, name)) for name in changed if name != "note"},
            },
        )
    return situation
