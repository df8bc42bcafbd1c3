"""The quarterly screening-quota report (rec. 2.7, 2.8; Q-1…Q-6): request, build (idempotent), mark as shared.

One report per facility and quarter (unique constraint). Building a report that is done changes nothing, so the
beat task and the "build now" button may both run any number of times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.errors import DomainError
from patients.models import Facility, Stay
from screening import quota
from screening.models import AssignmentDecision, QuotaReport, ReportStatus, ScreeningResult, ScreeningSetting
from wmr import audit, outbox
from wmr.models import Notification

logger = logging.getLogger(__name__)


class QuarterNotOver(DomainError):
    default_message = gettext_lazy("A report can only be built for a quarter that has ended.")


def _check_quarter(year: int, quarter: int, today: dt.date) -> None:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2999:
        raise QuarterNotOver(gettext_lazy("Choose a quarter 1–4 of a valid year."))
    if quota.quarter_bounds(year, quarter)[1] >= today:
        raise QuarterNotOver()


def stay_facts(facility: Facility, year: int, quarter: int) -> tuple[list[quota.StayFacts], dict[str, int]]:
    """The facts of every stay of the facility a figure of the quarter may count, and stay number → stay id.

    Six queries for any number of stays (stays, settings; screenings, decisions, needs, corrections prefetched). The
    stays are those running in the quarter or decided on in it: no join with the decisions (a join + DISTINCT sorts
    every stay of the facility's history), a semi-join on the quarter's decisions instead.
    """
    first, last = quota.quarter_bounds(year, quarter)
    decided = (
        AssignmentDecision.objects.filter(stay__facility=facility, decided_on__range=(first, last))
        .order_by()
        .values("stay_id")
    )
    stays = Stay.objects.filter(facility=facility, admission_date__lte=last).filter(
        Q(admission_date__gte=first)
        | Q(discharge_date__isnull=True)
        | Q(discharge_date__gte=first)
        | Q(pk__in=Subquery(decided))
    )
    return _facts(facility, stays)


def discharged_stay_facts(facility: Facility, first: dt.date, last: dt.date) -> list[quota.StayFacts]:
    """The facts the share (Q-1…Q-3: final code, index screening) needs of the facility's stays discharged from
    ``first`` to ``last``: their screenings and decisions (no needs, corrections or due day: the share reads none of
    them). Three queries of plain rows (no model instances), in proportion to the span's discharges, never to the
    facility's history (index ``stay_facility_discharge``)."""
    if last < first:
        return []
    stays = Stay.objects.filter(facility=facility, discharge_date__range=(first, last)).order_by()
    in_span = {"stay__facility": facility, "stay__discharge_date__range": (first, last)}
    screenings: dict[int, list[quota.Screening]] = {}
    for stay_id, pk, completed_at, status in (
        ScreeningResult.objects.filter(**in_span).order_by().values_list("stay_id", "pk", "completed_at", "status")
    ):
        screenings.setdefault(stay_id, []).append(
            quota.Screening(
                id=pk, completed_on=quota.local_date(completed_at), status=status, completed_at=completed_at
            )
        )
    decisions: dict[int, list[quota.Decision]] = {}
    for stay_id, pk, decision, decided_on, is_switch in (
        AssignmentDecision.objects.filter(**in_span)
        .order_by()
        .values_list("stay_id", "pk", "decision", "decided_on", "is_switch")
    ):
        decisions.setdefault(stay_id, []).append(
            quota.Decision(id=pk, decision=decision, decided_on=decided_on, is_switch=is_switch)
        )
    return [
        quota.StayFacts(
            number=number,
            admission_date=admission,
            discharge_date=discharge,
            department_code=code,
            screenings=tuple(screenings.get(pk, ())),
            decisions=tuple(decisions.get(pk, ())),
        )
        for pk, number, admission, discharge, code in stays.values_list(
            "pk", "number", "admission_date", "discharge_date", "department_code"
        ).order_by("number")
    ]


def _facts(facility: Facility, stays) -> tuple[list[quota.StayFacts], dict[str, int]]:
    stays = stays.prefetch_related("screenings", "decisions", "need_assessments", "code_corrections").order_by("number")
    settings = list(ScreeningSetting.objects.filter(facility=facility).order_by("-effective_from", "-id"))

    def due_day(stay: Stay) -> int:
        for setting in settings:
            if setting.department_code == stay.department_code and setting.effective_from <= stay.admission_date:
                return setting.screening_due_day
        return quota.DEFAULT_SCREENING_DUE_DAY

    facts = []
    for stay in stays:
        facts.append(
            quota.StayFacts(
                number=stay.number,
                admission_date=stay.admission_date,
                discharge_date=stay.discharge_date,
                department_code=stay.department_code,
                screening_due_day=due_day(stay),
                screenings=tuple(
                    quota.Screening(
                        id=r.pk,
                        completed_on=quota.local_date(r.completed_at),
                        status=r.status,
                        completed_at=r.completed_at,
                    )
                    for r in stay.screenings.all()
                ),
                decisions=tuple(
                    quota.Decision(id=d.pk, decision=d.decision, decided_on=d.decided_on, is_switch=d.is_switch)
                    for d in stay.decisions.all()
                ),
                needs=tuple(
                    quota.Need(source=n.source, reason=n.reason, assessed_on=n.assessed_on)
                    for n in stay.need_assessments.all()
                ),
                corrections=tuple(
                    quota.Correction(
                        decision_id=c.decision_id, from_code=c.from_code, to_code=c.to_code, corrected_on=c.corrected_on
                    )
                    for c in stay.code_corrections.all()
                ),
            )
        )
    return facts, {stay.number: stay.pk for stay in stays}


def report_request_build(*, facility: Facility, year: int, quarter: int, by, today: dt.date) -> QuotaReport:
    """Queue the build of a facility's report for an ended quarter ("build now"); the task runs after commit.

    A report that is done stays as it is (one report per quarter); a failed one is queued again.
    """
    _check_quarter(year, quarter, today)
    from screening.tasks import build_quota_report

    with transaction.atomic():
        report, created = QuotaReport.objects.select_for_update().get_or_create(
            facility=facility, year=year, quarter=quarter, defaults={"requested_by": by}
        )
        if report.status == ReportStatus.FAILED:
            report.status = ReportStatus.QUEUED
            report.error = ""
            report.save(update_fields=["status", "error"])
        audit.log(report, "screening.report.requested", user=by, data={"year": year, "quarter": quarter})
        if report.status != ReportStatus.DONE:
            _queue(build_quota_report, facility.pk, year, quarter)
    return report


def report_queue_key(facility_id: int, year: int, quarter: int) -> str:
    """The outbox idempotency key of a report's build: one waiting message per facility and quarter."""
    return f"screening.report:{facility_id}:{year}-Q{quarter}"


def _queue(task, facility_id: int, year: int, quarter: int) -> None:
    """Queue the build through the outbox (``wmr.outbox``), in this transaction: sent after the commit, or when the
    broker is down kept and sent by the outbox flush once it is back. The request never fails because of the broker
    (ARCHITECTURE.md); ``outbox.is_pending(report_queue_key(...))`` tells the view that the build is deferred."""
    outbox.enqueue(task.name, [facility_id, year, quarter], key=report_queue_key(facility_id, year, quarter))


def report_build(*, facility: Facility, year: int, quarter: int, by=None, today: dt.date | None = None) -> QuotaReport:
    """Build (once) the facility's report for the quarter: figures, PDF and CSV with their SHA-256, then notify.

    Idempotent: the row is unique per facility and quarter and locked while it is built; a report that is done is
    returned unchanged, so a second run stores nothing new and sends nothing again.
    """
    today = today or timezone.localdate()
    _check_quarter(year, quarter, today)
    report, _created = QuotaReport.objects.get_or_create(
        facility=facility, year=year, quarter=quarter, defaults={"requested_by": by}
    )
    try:
        with transaction.atomic():
            report = QuotaReport.objects.select_for_update().get(pk=report.pk)
            if report.status == ReportStatus.DONE:
                return report
            _build(report, by=by)
    except Exception as exc:
        QuotaReport.objects.filter(pk=report.pk).exclude(status=ReportStatus.DONE).update(
            status=ReportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return report


def _build(report: QuotaReport, *, by) -> None:
    from screening.report_pdf import render_quota_csv, render_quota_report

    facts, stay_ids = stay_facts(report.facility, report.year, report.quarter)
    figures = quota.quarter_figures(facts, report.year, report.quarter)
    report.figures = figures.as_json()
    pdf = render_quota_report(report)
    csv = render_quota_csv(report)
    report.pdf, report.pdf_sha256 = pdf.content, hashlib.sha256(pdf.content).hexdigest()
    report.csv, report.csv_sha256 = csv.content, hashlib.sha256(csv.content).hexdigest()
    report.status = ReportStatus.DONE
    report.error = ""
    report.built_at = timezone.now()
    report.full_clean()
    report.save()
    audit.log(
        report,
        "screening.report.built",
        user=by,
        data={"year": report.year, "quarter": report.quarter, "outcome": report.figures["share"]["outcome"]},
    )
    wmr_numbers = [
        f.number
        for f in facts
        if quota.final_code(f) == quota.WMR_CODE
        and (
            quota.in_quarter(f.admission_date, report.year, report.quarter)
            or quota.in_denominator(f, report.year, report.quarter)
            or quota.provisional(f, report.year, report.quarter)
        )
    ]
    _notify(report, [stay_ids[n] for n in wmr_numbers])


def report_recipients(report: QuotaReport, stay_ids: list[int]):
    """Active management of the facility and the active clinicians on a care team of one of its WMR stays."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(
        Q(role="management", facilities=report.facility) | Q(role="clinician", memberships__stay_id__in=stay_ids)
    ).distinct()


def _notify(report: QuotaReport, stay_ids: list[int]) -> None:
    """One in-app notification per recipient (key ``quota-report-<pk>``) and one e-mail, only for new ones."""
    key = f"quota-report-{report.pk}"
    url = reverse("screening:report-detail", args=[report.pk])
    title = _("Screening-quota report %(quarter)s/%(year)s is ready") % {"quarter": report.quarter, "year": report.year}
    share = report.figures["share"]
    body = _(
        "Share of positive screenings among WMR stays: %(share)s (%(num)s of %(den)s), 75 %% bar: %(outcome)s."
    ) % {
        "share": f"{share['percent']} %" if share["percent"] is not None else "–",
        "num": share["numerator"],
        "den": share["denominator"],
        "outcome": OUTCOME_LABELS[share["outcome"]],
    }
    mail_to = []
    for user in report_recipients(report, stay_ids):
        _note, created = Notification.objects.get_or_create(
            user=user, key=key, defaults={"title": title, "body": body, "url": url}
        )
        if created and user.email:
            mail_to.append(user.email)
    if mail_to:
        link = f"{_public_base()}{url}"
        transaction.on_commit(lambda: _mail(title, f"{body}\n\n{link}", mail_to))


def _public_base() -> str:
    from django.conf import settings

    return settings.PUBLIC_BASE_URL.rstrip("/")


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    for address in recipients:  # one message each: recipients never see each other's addresses
        try:
            send_mail(subject, body, None, [address])
        except Exception:  # a mail server outage must not undo a built report
            logger.exception("quota report e-mail to %s failed", address)


OUTCOME_LABELS = {
    quota.MET: gettext_lazy("met"),
    quota.NOT_MET: gettext_lazy("not met"),
    quota.NOT_APPLICABLE: gettext_lazy("not applicable"),
}


def report_mark_shared(*, report: QuotaReport, by, shared_at: dt.datetime | None = None) -> QuotaReport:
    """Record that the report was fed back to the team (Q-6, rec. 2.8). The first time counts; later marks keep it."""
    with transaction.atomic():
        report = QuotaReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.DONE:
            raise DomainError(gettext_lazy("Only a finished report can be marked as shared."))
        if report.shared_at is None:
            report.shared_at = shared_at or timezone.now()
            report.full_clean()
            report.save(update_fields=["shared_at"])
            audit.log(report, "screening.report.shared", user=by, data={"year": report.year, "quarter": report.quarter})
    return report
