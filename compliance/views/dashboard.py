"""The management dashboard of a facility, the group of clinics side by side, and the pseudonymised drill-down
(issue 8). Management only (everyone else 404, ``role_required``); every figure is of a facility among the reader's
``facilities`` — a filter naming another clinic is a form error, never its numbers. Every read is audit-logged,
filed under the facility (a ``Facility`` has no patient scope)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from compliance import charts, dashboard_cache, pseudonyms, registry, selectors
from compliance.catalogue import by_measure
from compliance.forms_dashboard import DashboardFilterForm
from staff.models import Role
from wmr import audit
from wmr.access import role_required
from wmr.indicators import IndicatorState

PAGE_SIZE = 50


def _audit_data(form: DashboardFilterForm, **extra) -> dict:
    filters = form.filters
    return {
        "period": form.cleaned_data["period"].code,
        "department": filters.department,
        "wmr": filters.wmr,
        "team": filters.team_user_id,
        **extra,
    }


@require_GET
@role_required(Role.MANAGEMENT)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, user=request.user, today=today)
    context: dict = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        board = selectors.facility_dashboard(
            facility=data["facility"], period=data["period"], filters=form.filters, today=today
        )
        audit.log(data["facility"], "compliance.dashboard.viewed", user=request.user, data=_audit_data(form))
        query = form.query()
        context |= {"dashboard": board, "query": query, "table": table_html(board, query)}
    return render(request, "compliance/dashboard.html", context)


TABLE_TEMPLATES = (
    "_dashboard_table.html",
    "_dashboard_section.html",
    "_indicator_row.html",
    "_positive_screening.html",
    "_rate.html",
    "_light.html",
    "_grade.html",
)
TABLE_TIMEOUT = 60 * 60


@functools.cache
def _templates_stamp() -> str:
    """The table's templates as deployed (size and modification time): a deploy that changes them renders anew."""
    from django.conf import settings

    stamps = []
    for name in TABLE_TEMPLATES:
        path = Path(settings.BASE_DIR) / "templates" / "compliance" / name
        try:
            stat = path.stat()
            stamps.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((name, None, None))
    return hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]


def _row_content(row) -> tuple:
    return (
        row.recommendation,
        row.rate,
        row.light,
        tuple((getattr(period, "code", str(period)), value) for period, value in row.trend),
        row.facility_level,
        str(row.reason),
        row.target_percent,
    )


def table_key(board: selectors.Dashboard, query: str) -> str:
    """The rendered table's cache key: a digest of everything the table shows — each row's figures, light, trend,
    reason, topics, workflows and self-assessment answers, the facility, period, filters (``query``), language and
    the templates' stamp — so a key names exactly one rendering (content-addressed: nothing to invalidate)."""
    content = (
        board.facility.pk,
        board.period.code,
        board.outcome_stays,
        query,
        translation.get_language(),
        _templates_stamp(),
        _row_content(board.positive_screening) if board.positive_screening is not None else None,
        tuple(
            (
                block.section,
                str(block.label),
                tuple(_row_content(row) for row in block.indicators),
                tuple((rec.id, count) for rec, count in block.topics),
                tuple((rec.id, count) for rec, count in block.workflows),
                tuple((rec.id, answer) for rec, answer in block.self_assessment),
            )
            for block in board.sections
        ),
    )
    digest = hashlib.sha256(repr(content).encode()).hexdigest()
    return f"compliance.dashboard-table:{settings.DATABASES['default']['NAME']}:{digest}"


def table_html(board: selectors.Dashboard, query: str) -> str:
    """2.7 and the sections' tables with their sparklines, from the cache when the same content was rendered before
    (``table_key``), else rendered (``charts.decorate``) and kept."""
    key = table_key(board, query)
    html = cache.get(key)
    if html is None:
        context = {"dashboard": board, "sections": charts.decorate(board), "query": query}
        if board.positive_screening is not None:
            context["positive_screening"] = charts.row_charts(board.positive_screening)
        html = render_to_string("compliance/_dashboard_table.html", context)
        cache.set(key, html, TABLE_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it


@dataclass(frozen=True)
class GroupLine:
    """One indicator across the facilities: the recommendation and per facility its row (None: not shown there)."""

    recommendation: object
    cells: list[selectors.IndicatorRow | None]


def group_lines(boards: list[selectors.Dashboard]) -> list[GroupLine]:
    """Rows = the indicators of all the dashboards in catalogue order (2.7 included), columns = the dashboards."""
    per_board = []
    for board in boards:
        rows = {row.recommendation.measure: row for block in board.sections for row in block.indicators}
        if board.positive_screening is not None:
            rows.setdefault(board.positive_screening.recommendation.measure, board.positive_screening)
        per_board.append(rows)
    recommendations = {row.recommendation.measure: row.recommendation for rows in per_board for row in rows.values()}
    ordered = sorted(recommendations.values(), key=lambda rec: rec.sort_key)
    return [GroupLine(rec, [rows.get(rec.measure) for rows in per_board]) for rec in ordered]


@require_GET
@role_required(Role.MANAGEMENT)
def group(request: HttpRequest) -> HttpResponse:
    """The reader's facilities side by side, one ``facility_dashboard`` each (constant queries per facility)."""
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, user=request.user, today=today, with_facility=False, with_team=False)
    context: dict = {"form": form, "facilities": form.facilities}
    if form.is_valid() and form.facilities:
        period, filters = form.cleaned_data["period"], form.filters
        boards = [
            selectors.facility_dashboard(facility=facility, period=period, filters=filters, today=today)
            for facility in form.facilities
        ]
        for facility in form.facilities:
            audit.log(facility, "compliance.dashboard.viewed", user=request.user, data=_audit_data(form, group=True))
        context |= {"boards": boards, "lines": group_lines(boards), "query": form.query(), "period": period}
    return render(request, "compliance/dashboard_group.html", context)


def drillable(measure: str) -> bool:
    """A stay-level indicator of the catalogue (the facility-level ones — 2.7, 2.8, 9.12 — have no stays to list)."""
    return measure in by_measure() and measure in registry.stay_basis()


@dataclass(frozen=True)
class DrilldownLine:
    result: object  # StayIndicator
    identity: pseudonyms.StayIdentity
    reason: str  # recomputed now, in the reader's language
    state_now: str | None  # the live state where it differs from the stored "not met" (result since changed)


def drilldown_lines(user, results: list, measure: str, today) -> list[DrilldownLine]:
    """The page's stays as the reader may see them (one query for the care-team decision) with the reason recomputed
    by the registry's providers — for these stays only.

    A recomputed reason (9–15 queries a stay) is kept in the cache under the stay's stored result as of its
    ``computed_at``, the day and the language (``compliance.dashboard_cache.reason_key``): every write to a stay
    refreshes its result and so moves on to a new key, a new day recomputes what depends on the date, and the
    pseudonym decision stays per reader. A page read again before any of its stays changed costs one cache read."""
    stays = [result.stay for result in results]
    who = pseudonyms.identities(user, stays)
    language = translation.get_language()
    keys = {result.pk: dashboard_cache.reason_key(result, today, language) for result in results}
    known = dashboard_cache.get_many(list(keys.values()))
    fresh: dict[str, tuple[str, str | None]] = {}
    lines = []
    for result in results:
        key = keys[result.pk]
        if key in known:
            reason, state = known[key]
        else:
            live = registry.stay_result(result.stay, today, measure)
            reason, state = (str(live.reason), str(live.state)) if live is not None else ("", None)
            fresh[key] = (reason, state)
        changed = state is not None and state != result.state
        lines.append(
            DrilldownLine(
                result=result,
                identity=who[result.stay_id],
                reason=reason,
                state_now=IndicatorState(state).label if changed else None,
            )
        )
    dashboard_cache.set_many(fresh)
    return lines


@require_GET
@role_required(Role.MANAGEMENT)
def drilldown(request: HttpRequest, measure: str) -> HttpResponse:
    if not drillable(measure):
        raise Http404
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, user=request.user, today=today)
    context: dict = {"form": form, "recommendation": by_measure()[measure], "measure": measure}
    if form.is_valid():
        data = form.cleaned_data
        results = selectors.drilldown(
            facility=data["facility"], measure=measure, period=data["period"], filters=form.filters
        )
        if not results.ordered:
            results = results.order_by("period_date", "stay__number")
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        audit.log(
            data["facility"],
            "compliance.drilldown.viewed",
            user=request.user,
            data=_audit_data(form, facility=data["facility"].pk, measure=measure, count=page.paginator.count),
        )
        context |= {
            "page": page,
            "lines": drilldown_lines(request.user, list(page.object_list), measure, today),
            "query": form.query(),
            "facility": data["facility"],
            "period": data["period"],
        }
    return render(request, "compliance/drilldown.html", context)
