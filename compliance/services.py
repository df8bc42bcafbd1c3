"""Writes of the compliance core: the per-stay indicator results (``StayIndicator``), recomputed after every write to a
stay and nightly.

Why materialised: the dashboard aggregates a quarter of thousands of stays; computing 28 indicators per stay on every
page read would cost queries per stay. Each indicator function instead runs once per write to its stay (queued after
commit by the audit hook below) and once a night (``refresh_facility``: the "not yet due" → "not met" flips that
come with the calendar, not with a write), and the dashboard reads the stored rows with one aggregate query. The rows
are derived data: no audit entry per refresh, and this app still writes to no other app's tables.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance import dashboard_cache, registry
from compliance.catalogue import by_measure
from compliance.models import StayIndicator
from compliance.periods import current_quarter, previous_quarters
from patients.models import Stay, StayStatus
from screening import rules as screening_rules
from screening.models import AssignmentDecision

logger = logging.getLogger(__name__)

# The nightly job refreshes the stays that can appear on the dashboard's trend: the current quarter and the four
# before it (a stay admitted or discharged within them, and every stay still in the clinic).
NIGHTLY_QUARTERS = 5


def _is_wmr(stay: Stay, today: dt.date) -> bool:
    """The stay is WMR on ``today`` (``screening.rules.wmr_applicability``, as the therapy indicators judge it)."""
    decisions = [
        screening_rules.DecisionFact(*row)
        for row in AssignmentDecision.objects.filter(stay=stay)
        .order_by("decided_on", "id")
        .values_list("decision", "decided_on", "effective_from")
    ]
    return screening_rules.wmr_applicability(decisions, today).applies


def period_date(stay: Stay, basis: str) -> dt.date:
    """The date that places ``stay`` in a period for a measure of ``basis`` (ARCHITECTURE.md): the admission date for
    screening and start-of-stay indicators; for outcome indicators the discharge date (the planned one while the stay
    runs), the admission date while no discharge is planned."""
    if basis == registry.DISCHARGE:
        return stay.discharge_date or stay.admission_date
    return stay.admission_date


def refresh_stay(stay: Stay, *, today: dt.date | None = None, rebuild: bool = True) -> int:
    """Recompute every stay-level indicator of ``stay`` on ``today`` and store one ``StayIndicator`` per measure
    (inserted or updated in one statement); rows of measures no longer answered are deleted. One transaction.
    Idempotent. Returns the number of results stored.

    After the commit the facility's cached dashboards are stale and their rebuild is queued
    (``dashboard_cache.bump_on_commit``; debounced per facility); ``rebuild=False`` leaves the queuing to the caller
    (the nightly job queues one per facility at its end)."""
    today = today or timezone.localdate()
    results = registry.stay_results(stay, today)
    basis = registry.stay_basis()
    catalogue = by_measure()
    now = timezone.now()
    with transaction.atomic():
        is_wmr = _is_wmr(stay, today)
        rows = [
            StayIndicator(
                stay=stay,
                measure=key,
                recommendation=catalogue[key].id,
                state=result.state,
                value=result.value,
                target=result.target,
                period_date=period_date(stay, basis[key]),
                facility_id=stay.facility_id,
                department_code=stay.department_code,
                is_wmr=is_wmr,
                computed_on=today,
                computed_at=now,
            )
            for key, result in sorted(results.items())
        ]
        StayIndicator.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["stay", "measure"],
            update_fields=[
                "recommendation",
                "state",
                "value",
                "target",
                "period_date",
                "facility",
                "department_code",
                "is_wmr",
                "computed_on",
                "computed_at",
            ],
        )
        StayIndicator.objects.filter(stay=stay).exclude(measure__in=list(results)).delete()
        dashboard_cache.bump_on_commit(stay.facility_id, rebuild=rebuild)  # the facility's dashboards are stale
    return len(rows)


def nightly_since(today: dt.date) -> dt.date:
    """The first day of the oldest quarter the nightly job keeps fresh (the current quarter and the four before)."""
    return previous_quarters(current_quarter(today), NIGHTLY_QUARTERS)[0].start


def refresh_facility(facility, *, today: dt.date | None = None, since: dt.date | None = None) -> int:
    """The nightly refresh of a facility: every stay admitted or discharged (planned discharge included) on or after
    ``since`` (default: ``nightly_since(today)``) and every stay still in the clinic. Each stay in its own transaction,
    so one stay that fails (logged) does not hold back the others. Returns the number of stays refreshed."""
    today = today or timezone.localdate()
    since = since or nightly_since(today)
    stays = (
        Stay.objects.filter(facility=facility)
        .filter(Q(admission_date__gte=since) | Q(discharge_date__gte=since) | Q(status=StayStatus.ADMITTED))
        .order_by("pk")
    )
    refreshed = 0
    for stay in stays.iterator(chunk_size=500):
        try:
            refresh_stay(stay, today=today, rebuild=False)
        except Exception:  # one broken record must not stop the night's run; the next write or night retries
            logger.exception("compliance: refreshing the indicators of stay %s failed", stay.pk)
            continue
        refreshed += 1
    dashboard_cache.schedule_rebuild(facility.pk)  # one rebuild of its dashboards for the whole night's run
    return refreshed


# --- the write hook: after every write to a stay, its results are recomputed once the transaction commits ----------


def _queue_refresh(stay_id: int) -> None:
    """Queue the stay's refresh through the outbox (``wmr.outbox``): sent now, or kept while the broker is down and
    sent by the outbox flush (the web app never fails a request because of the broker, ARCHITECTURE.md). One
    waiting message per stay however many writes happen meanwhile (the idempotency key)."""
    from wmr import outbox

    outbox.enqueue("compliance.tasks.refresh_stay", [stay_id], key=f"compliance.refresh_stay:{stay_id}")


def _refresh_after_commit(stay_id: int):
    """The ``on_commit`` callback of one stay; it carries the stay id (and whether it ran) so a transaction queues
    each stay once (``queue_stay_refresh``)."""

    def refresh_after_commit() -> None:
        refresh_after_commit.done = True
        _queue_refresh(stay_id)

    refresh_after_commit.compliance_stay_id = stay_id
    refresh_after_commit.done = False
    return refresh_after_commit


def queue_stay_refresh(stay_id: int, action: str) -> None:
    """``wmr.audit`` listener: queue ``compliance.tasks.refresh_stay`` for the stay after commit, once per stay and
    transaction (a form that writes five rows refreshes once). The app's own actions change no indicator and are
    ignored. The callback is robust: a failing refresh is logged and never fails the clinical write."""
    if action.startswith("compliance."):
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if getattr(callback, "compliance_stay_id", None) == stay_id and not callback.done:
                return
    transaction.on_commit(_refresh_after_commit(stay_id), robust=True)
