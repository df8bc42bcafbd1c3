"""The contact log of a stay: the list of its sessions with a one-line quick-log form on top (htmx: the POST answers
with the new row and a fresh form; without htmx a normal redirect), the edit page with the earlier versions, cancel.

The care team reads (``stay_view``, audit-logged); the care team's clinicians write (else 404). A session fetched by
id must be a session of the URL's stay logged for that stay alone (a group session is edited on its group's page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.errors import DomainError
from therapy import topics as catalogue
from therapy.forms_sessions import CancelForm, QuickLogForm, SessionEditForm, add_refusal
from therapy.models import Attendance, TherapySession
from therapy.selectors import session_versions, stay_attendances, stay_session
from therapy.services import sessions as services
from wmr.access import stay_view

LAST_KIND = "therapy_last_kind"  # the kind last logged, remembered per user in the session


@dataclass(frozen=True)
class LogRow:
    """One line of the contact log: the stay's attendance, its session, the topics in words."""

    attendance: Attendance
    topics: list[str]

    @property
    def session(self) -> TherapySession:
        return self.attendance.session


def log_rows(attendances) -> list[LogRow]:
    language = get_language() or "de"
    return [
        LogRow(a, [f"{t.recommendation} {t.label(language)}" for t in map(catalogue.topic, a.session.topics) if t])
        for a in attendances
    ]


def _may_write(request: HttpRequest, stay) -> bool:
    return services.may_log_for_stay(request.user, stay)


def _write_or_404(request: HttpRequest, stay) -> None:
    if not _may_write(request, stay):
        raise Http404


def _quick_form(request: HttpRequest, stay, data=None) -> QuickLogForm:
    return QuickLogForm(data, user=request.user, stay=stay, last_kind=request.session.get(LAST_KIND))


def _list_page(request: HttpRequest, stay, form: QuickLogForm | None) -> HttpResponse:
    context = {
        "stay": stay,
        "rows": log_rows(stay_attendances(stay)),
        "form": form if _may_write(request, stay) else None,
        "may_write": _may_write(request, stay),
    }
    return render(request, "therapy/session_list.html", context)


@stay_view("therapy.sessions.viewed")
def session_list(request: HttpRequest, stay) -> HttpResponse:
    return _list_page(request, stay, _quick_form(request, stay))


@require_POST
@stay_view(None)
def session_log(request: HttpRequest, stay) -> HttpResponse:
    """The quick-log form's POST. htmx: a fresh form plus the new row (out of band), or the form with its errors."""
    _write_or_404(request, stay)
    form = _quick_form(request, stay, request.POST)
    session = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_log(
                by=request.user,
                stay=stay,
                kind=data["kind"],
                held_on=data["held_on"],
                start=data["start"],
                minutes=data["minutes"],
                status=data["status"],
                staff=data["staff"],
                topics=data["topics"],
                note=data["note"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_refusal(form, exc)
    if session is None:
        if request.htmx:
            return render(request, "therapy/_session_quick_log.html", {"stay": stay, "form": form})
        return _list_page(request, stay, form)
    request.session[LAST_KIND] = session.kind
    if request.htmx:
        row = log_rows(session.attendances.select_related("session", "session__staff", "session__group"))[0]
        context = {"stay": stay, "form": _quick_form(request, stay), "row": row, "may_write": True, "new": True}
        return render(request, "therapy/_session_logged.html", context)
    messages.success(request, _("Session logged: %(session)s.") % {"session": session})
    return redirect("therapy:session-list", stay_id=stay.pk)


def _session_or_404(stay, session_id: int):
    session = stay_session(stay, session_id)
    if session is None:
        raise Http404
    return session


@stay_view("therapy.session.viewed")
def session_edit(request: HttpRequest, stay, session_id: int) -> HttpResponse:
    """The session with its earlier versions; the care team's clinicians may change it (optimistic concurrency:
    the form carries the version it was opened at)."""
    session = _session_or_404(stay, session_id)
    may_write = _may_write(request, stay)
    if request.method == "POST" and not may_write:
        raise Http404
    form = SessionEditForm(request.POST or None, user=request.user, session=session, stay=stay)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_change(
                by=request.user,
                session=session,
                version=data["version"],
                kind=data["kind"],
                held_on=data["held_on"],
                start=data["start"],
                minutes=data["minutes"],
                status=data["status"],
                staff=data["staff"],
                topics=data["topics"],
                note=data["note"],
                planned_therapy=data["planned_therapy"],
                reason=data["reason"],
                today=timezone.localdate(),
            )
        except services.SessionConflict as exc:
            session.refresh_from_db()
            form = after_conflict(
                form, session, exc, lambda data: SessionEditForm(data, user=request.user, session=session, stay=stay)
            )
        except DomainError as exc:
            add_refusal(form, exc)
            session.refresh_from_db()
        else:
            messages.success(request, _("Session changed."))
            return redirect("therapy:session-list", stay_id=stay.pk)
    context = {
        "stay": stay,
        "session": session,
        "form": form if may_write and session.status != "cancelled" else None,
        "cancel_form": CancelForm(initial={"version": session.version}),
        "may_write": may_write,
        "versions": session_versions(session),
    }
    return render(request, "therapy/session_edit.html", context)


def after_conflict(form, session, error, make_form):
    """Keep what the user typed, next to the current version shown on the page; the hidden version moves to the
    current one, so saving again is a deliberate choice to replace it."""
    data = form.data.copy()
    data["version"] = str(session.version)
    fresh = make_form(data)
    fresh.is_valid()
    fresh.add_error(None, error.message)
    return fresh


def cancel_from_form(request: HttpRequest, session) -> bool:
    """Cancel ``session`` with the posted reason and version (individual and group sessions alike); on a refusal the
    message is queued and False returned, so the caller sends the user back to the session's page."""
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the cancellation."))
        return False
    try:
        services.session_cancel(
            by=request.user,
            session=session,
            reason=form.cleaned_data["cancel_reason"],
            version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


@require_POST
@stay_view(None)
def session_cancel(request: HttpRequest, stay, session_id: int) -> HttpResponse:
    _write_or_404(request, stay)
    session = _session_or_404(stay, session_id)
    if not cancel_from_form(request, session):
        return redirect("therapy:session-edit", stay_id=stay.pk, session_id=session.pk)
    messages.success(request, _("Session cancelled; it no longer counts."))
    return redirect("therapy:session-list", stay_id=stay.pk)
