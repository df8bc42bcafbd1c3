"""The measuring side of the benchmark: run in-process against the database of ``DATABASE_URL`` holding one synthetic
clinic group (``manage.py seed_synthetic``), write one JSON file.

    DATABASE_URL=… python -m bench.measure --label 1000 [--repeat 30] [--warmup 3] --out result.json

Pages are requested with ``django.test.Client`` (logged in with ``force_login``; the management and privacy
officer sessions verified with a django-otp device as after typing the code). Each round requests the trivial view
``/account/session/`` and then the page with the same client, so every page has its own trivial figures from the same
moments; queries per request are counted in the warm-up rounds (``CaptureQueriesContext``), the timed rounds run
without the capture. A response other than 200 or an exception is recorded, never raised.

The other figures call the app's own functions: discharge letter and goal copy PDFs (CPU seconds, pages), the
quarterly screening report and the compliance quarterly export of the largest facility's last complete quarter, a
20-person group session through the therapy service. These write rows (report, audit, session) into the benchmark's
own database, which is thrown away.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TRIVIAL_URL = "/account/session/"
GROUP_SIZE = 20
RENDERS = 3  # timed renders per PDF figure (the median counts), after one untimed


@dataclass
class PageSpec:
    key: str
    title: str
    group: str  # trivial, worklist, overview, api, dashboard, audit (bench.report.PAGE_BARS)
    persona: str  # clinician, management, privacy_officer
    urls: list[str]  # rotated over the rounds


@dataclass
class Targets:
    today: dt.date
    facility: object
    clinician: object
    management: object
    privacy_officer: object
    stays: list = field(default_factory=list)  # admitted stays of the clinician (primary therapist)
    quarter: object = None  # compliance.periods.Period of the dashboard (the current quarter)
    measure: str | None = None  # drill-down measure
    notes: list[str] = field(default_factory=list)


# --- choosing who and what ------------------------------------------------------------------------------------------


def largest_facility():
    from django.db.models import Count

    from patients.models import Facility
    from synthetic.people import IK_PREFIX

    facilities = Facility.objects.filter(ik_number__startswith=IK_PREFIX).annotate(n=Count("stays"))
    return facilities.order_by("-n", "pk").first()


def choose_targets(today: dt.date) -> Targets:
    from django.db.models import Count, Exists, OuterRef, Q

    from compliance.models import StayIndicator
    from compliance.periods import current_quarter
    from compliance.views.dashboard import drillable
    from diagnostics.models import ConferenceCase, Profile
    from patients.models import Stay, StayStatus, TeamFunction
    from reintegration.models import GradedReturnPlan, RtwPlan
    from staff.models import Role, User
    from wmr.indicators import IndicatorState

    facility = largest_facility()
    if facility is None:
        raise SystemExit("bench.measure: no synthetic facility in this database (run manage.py seed_synthetic first)")
    admitted = Q(
        memberships__function=TeamFunction.PRIMARY_THERAPIST,
        memberships__stay__status=StayStatus.ADMITTED,
        memberships__stay__facility=facility,
    )
    clinician = (
        User.objects.filter(role=Role.CLINICIAN, facilities=facility, username__startswith="syn", is_active=True)
        .annotate(n=Count("memberships", filter=admitted))
        .order_by("-n", "username")
        .first()
    )
    management = User.objects.filter(role=Role.MANAGEMENT, facilities=facility, is_active=True).order_by("pk").first()
    privacy = User.objects.filter(role=Role.PRIVACY_OFFICER, facilities=facility, is_active=True).order_by("pk").first()
    # The overview's queries depend on what a stay holds (Django skips a prefetch when there is no parent row: a stay
    # without a graded plan costs five queries less), never on the data's size. So that the counts compare like with
    # like at every size, the overview is measured on the clinician's fullest admitted stays: the graded plan, the
    # return-to-work plan, a conference case and profiles first — the heaviest case overview a clinician opens.
    stays = list(
        Stay.objects.filter(
            facility=facility,
            status=StayStatus.ADMITTED,
            care_team__user=clinician,
            care_team__function=TeamFunction.PRIMARY_THERAPIST,
        )
        .annotate(
            graded=Exists(GradedReturnPlan.objects.filter(stay=OuterRef("pk"))),
            rtw=Exists(RtwPlan.objects.filter(stay=OuterRef("pk"))),
            case=Exists(ConferenceCase.objects.filter(stay=OuterRef("pk"))),
            profiled=Exists(Profile.objects.filter(stay=OuterRef("pk"))),
        )
        .order_by("-graded", "-rtw", "-case", "-profiled", "admission_date", "number")[:5]
    )
    if not stays:  # no admitted stay of that clinician: any stay of theirs, so the overview is still measured
        stays = list(Stay.objects.filter(care_team__user=clinician).order_by("-admission_date", "number")[:5])
    targets = Targets(
        today=today,
        facility=facility,
        clinician=clinician,
        management=management,
        privacy_officer=privacy,
        stays=stays,
        quarter=current_quarter(today),
    )
    not_met = (
        StayIndicator.objects.filter(
            facility=facility,
            state=IndicatorState.NOT_MET,
            period_date__gte=targets.quarter.start,
            period_date__lte=targets.quarter.end,
        )
        .values("measure")
        .annotate(n=Count("id"))
        .order_by("-n", "measure")
    )
    targets.measure = next((row["measure"] for row in not_met if drillable(row["measure"])), None)
    if targets.measure is None:
        from compliance import registry
        from compliance.catalogue import by_measure

        targets.measure = next((m for m in sorted(by_measure()) if m in registry.stay_basis()), None)
        targets.notes.append("no stay misses a measure in the quarter: drill-down of the first drillable measure")
    return targets


def page_specs(t: Targets) -> list[PageSpec]:
    from django.urls import reverse

    quarter = f"facility={t.facility.pk}&period={t.quarter.code}"
    stays = t.stays or []
    specs = [
        PageSpec("worklist", "worklist /cases/", "worklist", "clinician", ["/cases/"]),
        PageSpec(
            "worklist_filtered",
            "worklist, admitted WMR stays",
            "worklist",
            "clinician",
            ["/cases/?status=admitted&department_code=3197"],
        ),
        PageSpec(
            "overview",
            "case overview (admitted stay)",
            "overview",
            "clinician",
            [reverse("cases:overview", args=[s.pk]) for s in stays],
        ),
        PageSpec("api_stays", "API /api/v1/stays/", "api", "clinician", ["/api/v1/stays/"]),
        PageSpec("api_patients", "API /api/v1/patients/", "api", "clinician", ["/api/v1/patients/"]),
        PageSpec(
            "api_stay_sessions",
            "API /api/v1/stays/<id>/sessions/",
            "api",
            "clinician",
            [reverse("api:therapy-stay-sessions", args=[s.pk]) for s in stays],
        ),
        PageSpec("api_quota_reports", "API /api/v1/quota-reports/", "api", "clinician", ["/api/v1/quota-reports/"]),
        PageSpec(
            "dashboard",
            f"compliance dashboard (facility, {t.quarter.code})",
            "dashboard",
            "management",
            [f"/compliance/?{quarter}"],
        ),
    ]
    if t.measure:
        specs.append(
            PageSpec(
                "drilldown",
                f"compliance drill-down ({t.measure})",
                "dashboard",
                "management",
                [reverse("compliance:drilldown", args=[t.measure]) + f"?{quarter}"],
            )
        )
    specs.append(PageSpec("audit_list", "audit viewer /audit/", "audit", "privacy_officer", ["/audit/"]))
    if stays:
        specs.append(
            PageSpec(
                "privacy_report",
                "privacy access report of a patient",
                "audit",
                "privacy_officer",
                [reverse("privacy:report", args=[s.patient_id]) for s in stays],
            )
        )
    return specs


# --- clients --------------------------------------------------------------------------------------------------------


def verify_session(client, user) -> None:
    """The session as after the second factor (a confirmed TOTP device, django-otp's session key) for roles that
    must use it; for the others as after their first page (optional and not enrolled, remembered for a while)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff.two_factor import remember_optional_and_off, two_factor_required

    session = client.session
    if two_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:
        remember_optional_and_off(session)
    session.save()


def logged_in_client(user):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    verify_session(client, user)
    return client


# --- pages ----------------------------------------------------------------------------------------------------------


def _request(client, url: str, capture: bool) -> tuple[float, int | None, int | None, str | None]:
    """(milliseconds, status, queries or None, error or None) of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    error = None
    status = queries = None
    start = time.perf_counter()
    try:
        if capture:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            queries = len(captured)
        else:
            response = client.get(url)
        status = response.status_code
        if status != 200:
            error = f"GET {url}: {status}"
    except Exception as exc:  # recorded, the run goes on
        error = f"GET {url}: {type(exc).__name__}: {exc}"
    return (time.perf_counter() - start) * 1000, status, queries, error


def measure_page(client, user, spec: PageSpec, *, warmup: int, repeat: int) -> dict:
    from bench.stats import query_summary, summarise

    verify_session(client, user)  # the remembered "optional" answer lasts minutes: fresh for every page
    result: dict = {
        "key": spec.key,
        "title": spec.title,
        "group": spec.group,
        "persona": spec.persona,
        "user": user.get_username(),
        "urls": spec.urls,
    }
    if not spec.urls:
        result |= {"ok": False, "statuses": {}, "errors": ["no URL (nothing to measure in this data set)"]}
        return result
    page_ms: list[float] = []
    trivial_ms: list[float] = []
    counts: list[int] = []
    trivial_counts: list[int] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    # priming: every URL once, not counted (the process's first request of a view fills caches: content types …)
    for url in spec.urls:
        _request(client, TRIVIAL_URL, capture=False)
        _request(client, url, capture=False)
    # warm-up: at least one request of every rotated URL, with the queries counted
    for i in range(max(warmup, len(spec.urls))):
        _ms, status, queries, error = _request(client, TRIVIAL_URL, capture=True)
        if queries is not None:
            trivial_counts.append(queries)
        _ms, status, queries, error = _request(client, spec.urls[i % len(spec.urls)], capture=True)
        statuses[str(status)] += 1
        if queries is not None:
            counts.append(queries)
        if error:
            errors.append(error)
    for i in range(repeat):
        ms, _status, _queries, _error = _request(client, TRIVIAL_URL, capture=False)
        trivial_ms.append(ms)
        ms, status, _queries, error = _request(client, spec.urls[i % len(spec.urls)], capture=False)
        page_ms.append(ms)
        statuses[str(status)] += 1
        if error:
            errors.append(error)
    result |= summarise(page_ms, trivial_ms)
    result |= query_summary(counts)
    result["trivial_queries"] = max(trivial_counts) if trivial_counts else None
    result["statuses"] = dict(statuses)
    result["ok"] = set(statuses) == {"200"}
    result["errors"] = sorted(set(errors))[:10]
    return result


def trivial_page(client, user, *, warmup: int, repeat: int) -> dict:
    """The trivial view itself as a row (ratio 1 by construction, interleaved with itself)."""
    spec = PageSpec("trivial", "trivial view /account/session/", "trivial", "clinician", [TRIVIAL_URL])
    return measure_page(client, user, spec, warmup=warmup, repeat=repeat)


# --- other figures --------------------------------------------------------------------------------------------------


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _cpu(render) -> tuple[float, float, bytes]:
    """(median CPU seconds, median wall seconds, bytes) of ``render()`` after one untimed render (fonts, templates)."""
    content = render()
    cpu, wall = [], []
    for _i in range(RENDERS):
        c0, w0 = time.process_time(), time.perf_counter()
        content = render()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), content


def letter_figure(t: Targets) -> dict:
    """CPU seconds of ``render_discharge_letter`` for a discharged stay's letter (the record read once, timed apart)."""
    from patients.models import StayStatus
    from reintegration import documents_letter
    from reintegration.models import DischargeLetter, LetterStatus

    letter = (
        DischargeLetter.objects.filter(stay__facility=t.facility, stay__status=StayStatus.DISCHARGED)
        .select_related("stay", "stay__patient", "stay__facility")
        .order_by("-stay__discharge_date", "-version")
        .first()
    )
    out: dict = {}
    if letter is None:  # the seeder wrote no letter: a draft of a discharged stay, rendered from its record
        stay = t.facility.stays.filter(status=StayStatus.DISCHARGED).order_by("-discharge_date", "number").first()
        if stay is None:
            return {"error": "no discharged stay in the data set"}
        letter = DischargeLetter(stay=stay, version=1, status=LetterStatus.DRAFT)
        out["note"] = "no stored letter: an unsaved draft of the stay"
    w0 = time.perf_counter()
    record = documents_letter.letter_record(letter.stay, t.today)
    out["record_seconds"] = round(time.perf_counter() - w0, 3)
    cpu, wall, content = _cpu(
        lambda: documents_letter.render_discharge_letter(letter, record, letter_date=t.today).content
    )
    pages = pdf_pages(content)
    out |= {
        "stay": letter.stay.pk,
        "letter_status": letter.status,
        "pages": pages,
        "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(wall, 3),
        "cpu_per_page": round(cpu / pages, 3) if pages else None,
        "bytes": len(content),
    }
    return out


def goal_copy_figure(t: Targets) -> dict:
    from goals.documents import render_goal_agreement
    from goals.models import GoalAgreement

    agreement = (
        GoalAgreement.objects.filter(stay__facility=t.facility, goals__isnull=False)
        .select_related("stay", "stay__patient", "stay__facility")
        .order_by("-stay__admission_date", "-version")
        .first()
    )
    if agreement is None:
        return {"error": "no goal agreement with goals in the data set"}
    cpu, wall, content = _cpu(lambda: render_goal_agreement(agreement, today=t.today).content)
    pages = pdf_pages(content)
    return {
        "agreement": agreement.pk,
        "goals": agreement.goals.count(),
        "pages": pages,
        "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(wall, 3),
        "cpu_per_page": round(cpu / pages, 3) if pages else None,
    }


def last_complete_quarter(today: dt.date):
    from compliance.periods import current_quarter, previous_quarters

    return previous_quarters(current_quarter(today), 2)[0]


def _stay_counts(t: Targets, period) -> dict:
    from patients.models import Stay

    stays = Stay.objects.filter(facility=t.facility)
    return {
        "facility": t.facility.name,
        "period": period.code,
        "stays_in_quarter": stays.filter(admission_date__gte=period.start, admission_date__lte=period.end).count(),
        "stays_in_year": stays.filter(admission_date__year=period.start.year).count(),
    }


def quarterly_report_figure(t: Targets) -> dict:
    """``report_build`` (figures, PDF, CSV, notifications) of the last complete quarter, wall seconds."""
    from screening.models import QuotaReport
    from screening.services.reports import report_build

    period = last_complete_quarter(t.today)
    out = _stay_counts(t, period)
    QuotaReport.objects.filter(facility=t.facility, year=period.start.year, quarter=period.quarter).delete()
    w0, c0 = time.perf_counter(), time.process_time()
    report = report_build(
        facility=t.facility, year=period.start.year, quarter=period.quarter, by=t.management, today=t.today
    )
    out |= {
        "seconds": round(time.perf_counter() - w0, 3),
        "cpu_seconds": round(time.process_time() - c0, 3),
        "status": report.status,
    }
    return out


def compliance_export_figure(t: Targets) -> dict:
    """The quarter's dashboard as PDF (with its aggregation) and the per-stay table as CSV, as the export views do."""
    from compliance import selectors
    from compliance.documents import dashboard_pdf_export
    from compliance.exports import stay_table_csv_export
    from compliance.selectors import Filters

    period = last_complete_quarter(t.today)
    out = _stay_counts(t, period)
    w0 = time.perf_counter()
    board = selectors.facility_dashboard(facility=t.facility, period=period, filters=Filters(), today=t.today)
    pdf = dashboard_pdf_export(by=t.management, dashboard=board)
    out["seconds_pdf"] = round(time.perf_counter() - w0, 3)
    w1 = time.perf_counter()
    csv = stay_table_csv_export(by=t.management, facility=t.facility, period=period, filters=Filters())
    out["seconds_csv"] = round(time.perf_counter() - w1, 3)
    out["seconds"] = round(out["seconds_pdf"] + out["seconds_csv"], 3)
    out["pdf_pages"] = pdf_pages(pdf.content)
    out["csv_bytes"] = len(csv.content)
    return out


def group_session_figure(t: Targets) -> dict:
    """``group_session_log`` with 20 attendees (a group of the facility with ≥ 20 members yesterday), commit and its
    hooks (outbox, indicator refresh queued) included; the service call alone is recorded too."""
    from django.db import transaction
    from django.db.models import Count, Q

    from therapy.models import TherapySession, WorkGroup
    from therapy.services.sessions import Attendee, group_session_log, members_on

    day = t.today - dt.timedelta(days=1)
    current = Q(memberships__starts_on__lte=day) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=day)
    )
    current &= Q(memberships__stay__admission_date__lte=day)
    group = (
        WorkGroup.objects.filter(facility=t.facility, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .annotate(n=Count("memberships", filter=current))
        .filter(n__gte=GROUP_SIZE)
        .order_by("-n", "pk")
        .first()
    )
    if group is None:
        return {"error": f"no work group of the facility with {GROUP_SIZE} members on {day}"}
    members = [m for m in members_on(group, day) if m.stay.admission_date <= day][:GROUP_SIZE]
    leader = group.leader if group.leader_id else t.clinician
    taken = set(TherapySession.objects.filter(group=group, held_on=day).values_list("start", flat=True))
    start = next(dt.time(h, m) for h in range(5, 23) for m in range(1, 60, 7) if dt.time(h, m) not in taken)
    attendees = [Attendee(stay=m.stay) for m in members]
    w0 = time.perf_counter()
    with transaction.atomic():
        session = group_session_log(
            by=leader,
            group=group,
            held_on=day,
            start=start,
            minutes=group.default_minutes or 60,
            attendees=attendees,
            today=t.today,
        )
        service = time.perf_counter() - w0
    total = time.perf_counter() - w0
    return {
        "group": group.pk,
        "attendees": session.attendances.count(),
        "seconds": round(total, 3),
        "service_seconds": round(service, 3),
    }


FIGURES = {
    "letter": letter_figure,
    "goal_copy": goal_copy_figure,
    "quarterly_report": quarterly_report_figure,
    "compliance_export": compliance_export_figure,
    "group_session": group_session_figure,
}


def figures(t: Targets) -> dict:
    out = {}
    for key, function in FIGURES.items():
        try:
            out[key] = function(t)
        except Exception as exc:  # recorded, the run goes on
            out[key] = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)}
    return out


# --- the run --------------------------------------------------------------------------------------------------------


def app_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def run(
    *,
    label: str,
    repeat: int = 30,
    warmup: int = 3,
    today: dt.date | None = None,
    with_figures: bool = True,
    groups: set[str] | None = None,
):
    """Measure every page (or those of ``groups``) and figure; returns the result dict (``bench.report`` reads it)."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from patients.models import Facility, Stay
    from synthetic.people import IK_PREFIX

    today = today or timezone.localdate()
    t = choose_targets(today)
    clients = {
        "clinician": (logged_in_client(t.clinician), t.clinician),
        "management": (logged_in_client(t.management), t.management),
        "privacy_officer": (logged_in_client(t.privacy_officer), t.privacy_officer),
    }
    pages = [trivial_page(*clients["clinician"], warmup=warmup, repeat=repeat)]
    for spec in page_specs(t):
        if groups and spec.group not in groups:
            continue
        client, user = clients[spec.persona]
        pages.append(measure_page(client, user, spec, warmup=warmup, repeat=repeat))
    return {
        "label": label,
        "database": connection.vendor,
        "debug": settings.DEBUG,
        "repeat": repeat,
        "warmup": warmup,
        "today": today.isoformat(),
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "commit": app_commit(),
        "stays_total": Stay.objects.count(),
        "facilities": Facility.objects.filter(ik_number__startswith=IK_PREFIX).count(),
        "facility": {
            "id": t.facility.pk,
            "name": t.facility.name,
            "stays": Stay.objects.filter(facility=t.facility).count(),
        },
        "users": {
            "clinician": t.clinician.get_username(),
            "clinician_admitted_stays": len(t.stays),
            "management": t.management.get_username(),
            "privacy_officer": t.privacy_officer.get_username(),
        },
        "notes": t.notes,
        "pages": pages,
        "figures": figures(t) if with_figures else {},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure", description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="the size this database holds (stays), for the report")
    parser.add_argument("--repeat", type=int, default=30, help="timed rounds per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up rounds per page, queries counted (default 3)")
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument(
        "--groups", help="only these page groups, comma-separated (worklist,overview,api,dashboard,audit)"
    )
    parser.add_argument("--no-figures", action="store_true", help="skip PDFs, reports and the group session")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wmr.settings")
    import django

    django.setup()
    groups = set(args.groups.split(",")) if args.groups else None
    result = run(
        label=args.label, repeat=args.repeat, warmup=args.warmup, with_figures=not args.no_figures, groups=groups
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    bad = [page["key"] for page in result["pages"] if not page.get("ok")]
    print(f"bench.measure {args.label}: {len(result['pages'])} pages measured, not all 200: {bad or 'none'}")
    for page in result["pages"]:
        print(
            f"  {page['key']:<28} p50 {page.get('p50_ms')} ms  ratio {page.get('ratio_p50')}"
            f"  queries {page.get('queries')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
