"""Invitation letter, stored documents and patient links of a stay (staff side)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patients import documents, services
from patients.views.common import stay_write, to_overview
from wmr.access import stay_view


@require_POST
@stay_write
def invitation_create(request: HttpRequest, stay) -> HttpResponse:
    documents.invitation_create(by=request.user, stay=stay)
    messages.success(request, _("Invitation letter created."))
    if documents.address_incomplete(stay):
        messages.warning(request, _("The patient's postal address is incomplete; please complete it before posting."))
    return to_overview(stay, "invitation")


@require_GET
@stay_view(action=None)
def document_download(request: HttpRequest, stay, document_id: int) -> HttpResponse:
    """The stored bytes exactly as handed out, for any care-team member; the download is audited."""
    document = documents.document_for_download(user=request.user, stay=stay, document_id=document_id)
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.filename)
    add_never_cache_headers(response)
    return response


@require_POST
@stay_write
def link_revoke(request: HttpRequest, stay, link_id: int) -> HttpResponse:
    link = get_object_or_404(stay.links, pk=link_id)
    services.patient_link_revoke(by=request.user, link=link)
    messages.success(request, _("Patient link revoked; it no longer works."))
    return to_overview(stay, "invitation")
