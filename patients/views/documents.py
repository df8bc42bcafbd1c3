"""Invitation letter, stored documents and patient links (filled in by the invitation work)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from patients.views.common import stay_write
from wmr.access import stay_view


@require_POST
@stay_write
def invitation_create(request: HttpRequest, stay) -> HttpResponse:
    raise Http404


@stay_view(action=None)
def document_download(request: HttpRequest, stay, document_id: int) -> HttpResponse:
    raise Http404


@require_POST
@stay_write
def link_revoke(request: HttpRequest, stay, link_id: int) -> HttpResponse:
    raise Http404
