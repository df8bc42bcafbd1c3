"""The worklist ("my stays") and the case overview of one stay."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases import selectors
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
    case = selectors.case_overview(stay)
    may_write = request.user.role == "clinician" and any(m.user_id == request.user.pk for m in case.team)
    return render(
        request,
        "cases/overview.html",
        {
            "stay": stay,
            "case": case,
            "may_write": may_write,
        },
    )
