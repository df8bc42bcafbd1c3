"""The diagnostics page of a stay (sessions, job descriptions, profiles) and the session forms (rec 4.1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.forms_profiles import SessionCorrectForm, SessionForm
from diagnostics.selectors import stay_diagnostics_page
from diagnostics.services.sessions import SessionRefused, session_correct, session_record
from patients.views.common import stay_write
from wmr.access import stay_view


def may_write(user, stay) -> bool:
    return user.is_clinician and user.has_perm("patients.change_stay", stay)


def to_page(stay, anchor: str = "") -> HttpResponse:
    response = redirect("diagnostics:stay", stay_id=stay.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _team(stay):
    from staff.models import User

    return User.objects.filter(memberships__stay=stay).order_by("last_name", "first_name").distinct()


def _service_error(form, exc) -> None:
    if isinstance(exc, SessionRefused):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:  # ValidationError of the model (minutes, phase): its dict names the fields
        form.add_error(None, exc)


@stay_view("diagnostics.stay.viewed")
def diagnostics_page(request: HttpRequest, stay) -> HttpResponse:
    page = stay_diagnostics_page(stay, timezone.localdate())
    writer = may_write(request.user, stay)
    form = None
    if writer:
        form = SessionForm(team=_team(stay), user=request.user)
        form.helper.form_action = reverse("diagnostics:session-create", args=[stay.pk])
    context = {
        "stay": stay,
        "diagnostics": page.state,
        "page": page,
        "may_write": writer,
        "session_form": form,
    }
    return render(request, "diagnostics/diagnostics_stay.html", context)


@stay_write
def session_create(request: HttpRequest, stay) -> HttpResponse:
    form = SessionForm(request.POST or None, team=_team(stay), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session_record(by=request.user, stay=stay, **data)
        except (SessionRefused, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Diagnostic session recorded."))
            return to_page(stay, "sessions")
    return render(request, "diagnostics/session_form.html", {"stay": stay, "form": form, "title": _("Record session")})


@stay_write
def session_correct_view(request: HttpRequest, stay, session_id: int) -> HttpResponse:
    session = get_object_or_404(stay.diagnostic_sessions.prefetch_related("staff"), pk=session_id)
    form = SessionCorrectForm(
        request.POST or None, team=_team(stay), user=request.user, initial=SessionCorrectForm.initial_of(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            session_correct(by=request.user, session=session, **form.cleaned_data)
        except (SessionRefused, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Correction saved; the earlier version stays visible."))
            return to_page(stay, "sessions")
    context = {"stay": stay, "form": form, "title": _("Correct session"), "session": session}
    return render(request, "diagnostics/session_form.html", context)
