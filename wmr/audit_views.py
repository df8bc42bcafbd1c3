"""The audit viewer for the privacy officer (placeholder until filled)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wmr.access import role_required
from staff.models import Role


@role_required(Role.PRIVACY_OFFICER)
def audit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wmr/audit_list.html", {})
