"""The catalogue of the 106 recommendations: every logged-in staff member reads it (no patient data, no audit)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from compliance import catalogue
from compliance.forms_catalogue import CatalogueSearchForm


def _by_section(recommendations) -> list[tuple[str, list]]:
    """(section label, its recommendations) in the order the results come."""
    groups: dict[str, list] = {}
    for rec in recommendations:
        groups.setdefault(rec.section, []).append(rec)
    return [(str(catalogue.SECTIONS.get(section, section)), recs) for section, recs in groups.items()]


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    found = catalogue.search(**form.filters()) if form.is_bound else list(catalogue.recommendations())
    context = {
        "form": form,
        "groups": _by_section(found),
        "found": len(found),
        "total": len(catalogue.recommendations()),
        "searched": form.is_bound,
    }
    return render(request, "compliance/catalogue.html", context)


@login_required
def recommendation_detail(request: HttpRequest, rec_id: str) -> HttpResponse:
    recommendation = catalogue.by_id().get(rec_id)
    if recommendation is None:
        raise Http404
    return render(request, "compliance/catalogue_detail.html", {"rec": recommendation})
