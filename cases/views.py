"""The worklist ("my stays") and the case overview of one stay."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cases import overview_cache, selectors
from cases.filters import WorklistFilter
from wmr.access import stay_view

PAGE_SIZE = 50


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    filterset = WorklistFilter(request.GET or None, queryset=selectors.worklist(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/worklist.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@stay_view()
def overview(request: HttpRequest, stay) -> HttpResponse:
    now = timezone.now()

    def compose(csrf_placeholder: str):
        case = selectors.case_overview(stay, today=timezone.localdate(now))
        may_write = request.user.role == "clinician" and any(m.user_id == request.user.pk for m in case.team)
        html = render_to_string(
            "cases/_overview_content.html",
            {"stay": stay, "case": case, "may_write": may_write, "csrf_token": csrf_placeholder},
            request=request,
        )
        return html, selectors.case_overview_valid_until(case, now)

    content, _hit = overview_cache.cached_content(
        stay_id=stay.pk, user_id=request.user.pk, now=now, csrf_token=get_token(request), render=compose
    )
    return render(request, "cases/overview.html", {"stay": stay, "overview_content": mark_safe(content)})
