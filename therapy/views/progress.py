"""Progress pages of the therapy app: "My day" (a clinician's planned sessions of today and the stays with an open
counseling bar) and the export of a patient's contact log (CSV, PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.errors import DomainError, NotAllowed
from patients.views.common import stay_write
from staff.models import Role
from therapy import exports, rules
from therapy import selectors_progress as selectors
from therapy.services.progress import session_mark_held
from therapy.services.sessions import SessionRefused
from wmr import audit
from wmr.access import role_required, stay_view


def _my_sessions(request: HttpRequest, today) -> dict:
    return {"sessions": selectors.my_planned_sessions(request.user, today), "today": today}


@role_required(Role.CLINICIAN)
def my_day(request: HttpRequest) -> HttpResponse:
    """Today's planned sessions of the user and the current WMR stays of their care teams with an open counseling
    bar, most urgent first. The list names patients: one audit row per visit (with the stays shown)."""
    today = timezone.localdate()
    stays = selectors.my_open_counseling(request.user, today)
    audit.log(None, "therapy.myday.viewed", user=request.user, data={"stays": [p.stay.pk for p in stays]})
    context = {**_my_sessions(request, today), "stays": stays, "rules": rules}
    return render(request, "therapy/my_day.html", context)


@require_POST
@role_required(Role.CLINICIAN)
def my_day_mark_held(request: HttpRequest, session_id: int) -> HttpResponse:
    """One click: a planned session of today (the user's own) becomes held. With htmx the session list is swapped in
    place; refusals (someone changed it meanwhile, …) are shown there, nothing is stored."""
    today = timezone.localdate()
    session = selectors.my_planned_session(request.user, today, session_id)
    if session is None:
        raise Http404
    version = request.POST.get("version", "")
    try:
        if not version.isdigit():
            raise SessionRefused(_("The form was incomplete; please reload the page and try again."))
        session_mark_held(by=request.user, session=session, version=int(version), today=today)
    except NotAllowed as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as held: %(session)s.") % {"session": session})
    if request.headers.get("HX-Request"):
        return render(request, "therapy/my_day_sessions.html", {**_my_sessions(request, today), "htmx": True})
    return redirect("therapy:my-day")


def _download(rendered) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=rendered.filename)
    add_never_cache_headers(response)
    return response


@stay_view(action=None)  # the export writes its own audit row
def contact_log_csv(request: HttpRequest, stay) -> HttpResponse:
    """The stay's contact log as CSV, for any care-team member."""
    rendered = exports.contact_log_csv_export(by=request.user, stay=stay, today=timezone.localdate())
    return _download(rendered)


@require_POST
@stay_write
def contact_log_pdf(request: HttpRequest, stay) -> HttpResponse:
    """Create the contact-log PDF (stored with its hash and author) and download it from the stored documents."""
    document = exports.contact_log_pdf_create(by=request.user, stay=stay, today=timezone.localdate())
    return redirect("patients:document-download", stay_id=stay.pk, document_id=document.pk)
