"""Shared pieces of the patients views: the write permission on a stay and the redirect to its overview."""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from staff.models import Role
from wmr.access import stay_view


def stay_write(view):
    """A care-team clinician may write; everybody else gets 404 (privacy officer and management never write)."""

    @wraps(view)
    @stay_view()  # a form page shows the record: opening it is a read
    def wrapped(request, stay, *args, **kwargs):
        if request.user.role != Role.CLINICIAN or not request.user.has_perm("patients.change_stay", stay):
            raise Http404
        return view(request, stay, *args, **kwargs)

    return wrapped


def to_overview(stay, section: str = ""):
    response = redirect("cases:overview", stay_id=stay.pk)
    if section:
        response["Location"] += f"#{section}"
    return response
