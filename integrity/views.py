"""The privacy officer's and admin's page: the last verification of the hash chains and how far sealing got."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.selectors import integrity_status
from staff.models import Role
from wmr import audit, outbox
from wmr.access import role_required

ROLES = (Role.PRIVACY_OFFICER, Role.ADMIN)


@role_required(*ROLES)
def status(request: HttpRequest) -> HttpResponse:
    response = render(request, "integrity/status.html", {"status": integrity_status()})
    audit.log(None, "integrity.status.viewed", user=request.user)
    return response


@require_POST
@role_required(*ROLES)
def verify_now(request: HttpRequest) -> HttpResponse:
    """Queue a verification (the nightly job's task); the page shows its result once it has run."""
    outbox.enqueue("integrity.tasks.verify_chains", key="integrity-verify")
    messages.success(request, _("The verification has been queued; reload this page in a few minutes."))
    return redirect("integrity:status")
