"""Team-conference pages (rec 4.10, 9.12; K-6).

Facility level (clinicians and management of the facility read; clinicians record): the list, a conference, the
weekly indicator. A conference of another facility answers 404. Stay level (the care team's clinicians, through
``stay_write``): a stay at a conference — freeze its comparison, decide the flags, findings, planned therapies.
The conference in the URL must be of the stay's facility and a therapy in the URL must belong to the stay and that
conference, else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import selectors_conference as selectors
from diagnostics.forms_conference import (
    ConferenceForm,
    DiscussStayForm,
    FindingsForm,
    FlagsForm,
    PlannedTherapyForm,
    TherapyEndForm,
)
from diagnostics.models import PlannedTherapy, TeamConference
from diagnostics.services import conference as services
from patients.errors import DomainError
from patients.views.common import stay_write
from staff.models import Profession, Role
from wmr import audit
from wmr.access import role_required

READ_ROLES = (Role.CLINICIAN, Role.MANAGEMENT)
WEEKS_SHOWN = 12


def _conference_or_404(request: HttpRequest, pk: int) -> TeamConference:
    conference = selectors.conference_for(request.user, pk)
    if conference is None:
        raise Http404
    return conference


def _refused(form, exc: DomainError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


# --- facility level -------------------------------------------------------------------------------------------------


@role_required(*READ_ROLES)
def conference_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.conferences_for(request.user), 25).get_page(request.GET.get("page"))
    audit.log(None, "diagnostics.conference.listed", user=request.user, data={"page": page.number})
    return render(request, "diagnostics/conference_list.html", {"page": page, "conferences": page.object_list})


def _facility_from_query(request: HttpRequest):
    facilities = request.user.facilities.order_by("name")
    wanted = request.GET.get("facility") or request.POST.get("facility")
    facility = facilities.filter(pk=wanted).first() if str(wanted or "").isdigit() else facilities.first()
    if facility is None:
        raise Http404
    return facility, facilities


@role_required(Role.CLINICIAN)
def conference_create(request: HttpRequest) -> HttpResponse:
    facility, facilities = _facility_from_query(request)
    form = ConferenceForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.conference_create(
                by=request.user,
                facility=facility,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
                participants=form.participants(),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Conference recorded."))
            return redirect("diagnostics:conference-detail", pk=conference.pk)
    context = {"form": form, "facility": facility, "facilities": facilities, "title": _("Record a team conference")}
    return render(request, "diagnostics/conference_form.html", context)


@role_required(Role.CLINICIAN)
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference_or_404(request, pk)
    form = ConferenceForm(
        request.POST or None, facility=conference.facility, conference=conference, submit_label=_("Save changes")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_change(
                by=request.user,
                conference=conference,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
                participants=form.participants(),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Conference changed."))
            return redirect("diagnostics:conference-detail", pk=conference.pk)
    context = {"form": form, "facility": conference.facility, "conference": conference, "title": _("Change")}
    return render(request, "diagnostics/conference_form.html", context)


@role_required(*READ_ROLES)
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference_or_404(request, pk)
    discuss = None
    if request.user.role == Role.CLINICIAN:
        stays = selectors.stays_to_discuss(request.user, conference)
        discuss = DiscussStayForm(request.GET or None, stays=stays)
        if request.GET.get("stay") and discuss.is_valid():
            return redirect("diagnostics:stay-conference", stay_id=discuss.cleaned_data["stay"].pk, conf_id=pk)
    audit.log(conference, "diagnostics.conference.viewed", user=request.user)
    return render(request, "diagnostics/conference_detail.html", {"conference": conference, "discuss": discuss})


@role_required(*READ_ROLES)
def conference_weekly(request: HttpRequest) -> HttpResponse:
    facility, facilities = _facility_from_query(request)
    today = timezone.localdate()
    weeks = selectors.recent_weeks(facility, today=today, weeks=WEEKS_SHOWN)
    met = sum(1 for week in weeks if week.met)
    decided = sum(1 for week in weeks if week.state != "not_yet_due")
    rows = [(week, ", ".join(str(Profession(p).label) for p in sorted(week.professions))) for week in weeks]
    context = {"facility": facility, "facilities": facilities, "rows": rows, "met": met, "decided": decided}
    return render(request, "diagnostics/conference_weekly.html", context)


# --- a stay at a conference -----------------------------------------------------------------------------------------


def _stay_conference(stay, conf_id: int) -> TeamConference:
    """The conference of the URL, if it is of the stay's facility (else 404)."""
    return get_object_or_404(TeamConference.objects.select_related("facility"), pk=conf_id, facility=stay.facility_id)


def _stay_page(request: HttpRequest, stay, conference: TeamConference, **forms) -> HttpResponse:
    page = selectors.stay_case_page(stay, conference)
    context = {"stay": stay, "conference": conference, "page": page}
    if page.case is not None:
        decided = {flag.dimension: flag for flag in page.flags}
        context |= {
            "flags_form": forms.get("flags_form") or FlagsForm(flagged=page.flagged, decided=decided),
            "findings_form": forms.get("findings_form") or FindingsForm(initial={"findings": page.case.findings}),
            "therapy_form": forms.get("therapy_form")
            or PlannedTherapyForm(facility=stay.facility, confirmed=page.confirmed),
            "end_form": TherapyEndForm(),
        }
    return render(request, "diagnostics/conference_stay.html", context)


@stay_write
def stay_conference(request: HttpRequest, stay, conf_id: int) -> HttpResponse:
    return _stay_page(request, stay, _stay_conference(stay, conf_id))


@require_POST
@stay_write
def stay_conference_add(request: HttpRequest, stay, conf_id: int) -> HttpResponse:
    conference = _stay_conference(stay, conf_id)
    try:
        services.case_add(by=request.user, conference=conference, stay=stay)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The stay is on the conference; its comparison is frozen as it is now."))
    return redirect("diagnostics:stay-conference", stay_id=stay.pk, conf_id=conference.pk)


def _case_or_404(stay, conference):
    case = selectors.stay_case(stay, conference)
    if case is None:
        raise Http404
    return case


@require_POST
@stay_write
def stay_conference_flags(request: HttpRequest, stay, conf_id: int) -> HttpResponse:
    conference = _stay_conference(stay, conf_id)
    case = _case_or_404(stay, conference)
    page = selectors.stay_case_page(stay, conference)
    form = FlagsForm(request.POST, flagged=page.flagged, decided={f.dimension: f for f in page.flags})
    if form.is_valid():
        try:
            services.case_flags_decide(by=request.user, case=case, decisions=form.decisions())
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Decisions saved."))
            return redirect("diagnostics:stay-conference", stay_id=stay.pk, conf_id=conference.pk)
    return _stay_page(request, stay, conference, flags_form=form)


@require_POST
@stay_write
def stay_conference_findings(request: HttpRequest, stay, conf_id: int) -> HttpResponse:
    conference = _stay_conference(stay, conf_id)
    case = _case_or_404(stay, conference)
    form = FindingsForm(request.POST)
    if form.is_valid():
        try:
            services.case_findings_set(by=request.user, case=case, findings=form.cleaned_data["findings"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Findings saved."))
            return redirect("diagnostics:stay-conference", stay_id=stay.pk, conf_id=conference.pk)
    return _stay_page(request, stay, conference, findings_form=form)


@require_POST
@stay_write
def stay_conference_therapy_add(request: HttpRequest, stay, conf_id: int) -> HttpResponse:
    conference = _stay_conference(stay, conf_id)
    case = _case_or_404(stay, conference)
    page = selectors.stay_case_page(stay, conference)
    form = PlannedTherapyForm(request.POST, facility=stay.facility, confirmed=page.confirmed)
    if form.is_valid():
        try:
            services.planned_therapy_add(by=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Therapy planned."))
            return redirect("diagnostics:stay-conference", stay_id=stay.pk, conf_id=conference.pk)
    return _stay_page(request, stay, conference, therapy_form=form)


@require_POST
@stay_write
def stay_conference_therapy_end(request: HttpRequest, stay, conf_id: int, therapy_id: int) -> HttpResponse:
    conference = _stay_conference(stay, conf_id)
    therapy = get_object_or_404(PlannedTherapy, pk=therapy_id, stay=stay, case__conference=conference)
    form = TherapyEndForm(request.POST)
    if form.is_valid():
        try:
            services.planned_therapy_end(by=request.user, therapy=therapy, ended_on=form.cleaned_data["ended_on"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Therapy ended."))
    else:
        messages.error(request, _("Please enter the date the therapy ended."))
    return redirect("diagnostics:stay-conference", stay_id=stay.pk, conf_id=conference.pk)
