"""The patient's one-time link: public landing page (filled in by the invitation work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def link_entry(request: HttpRequest) -> HttpResponse:
    raise Http404


def link_landing(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def link_rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    raise Http404
