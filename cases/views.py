"""The worklist ("my stays") and the case overview of one stay."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from cases import overview_cache, selectors
from cases.filters import WorklistFilter
from patients import list_cache
from wmr.access import stay_view

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)

    def compose() -> str:
        filterset = WorklistFilter(request.GET or None, queryset=selectors.worklist(request.user))
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"filter_form": _filter_form(filterset, query), "page": page, "query": query.urlencode()}
        return render_to_string("cases/_worklist_content.html", context, request=request)

    if request.GET.get("q"):  # a search term may be a patient's name: never part of a cache key
        content = compose()
    else:
        content = list_cache.cached(kind="worklist", user=request.user, query=request.GET.urlencode(), build=compose)
    return render(request, "cases/worklist.html", {"worklist_content": mark_safe(content)})  # noqa: S308 - rendered


def _filter_form(filterset: WorklistFilter, query) -> str:
    """The filter bar's HTML. Its widgets render through Django's form templates (~5 ms); for the same filter values
    and language the markup is the same for everyone, so it is kept in the cache — except with a search term, which
    may be a patient's name and is never put into a cache key."""
    context = {
        "filter": filterset,
        "label": gettext("Filter the worklist"),
        "reset_url": reverse("cases:worklist"),
    }
    if query.get("q"):
        return render_to_string("components/_filter_form.html", context)
    digest = hashlib.sha256(query.urlencode().encode()).hexdigest()[:24]
    key = f"cases.worklist.filter:{translation.get_language()}:{digest}"
    try:
        html = cache.get(key)
    except Exception:  # noqa: BLE001 - cache down: render it
        html = None
    if html is None:
        html = render_to_string("components/_filter_form.html", context)
        try:
            cache.set(key, html, 24 * 60 * 60)
        except Exception:  # noqa: BLE001
            logger.warning("worklist: could not cache the filter bar", exc_info=True)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine (autoescaped)


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
