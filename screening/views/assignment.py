"""The assignment workflow's form pages (screening.md A-1…A-8, D-3). Each page records one step through its
service; a refused step keeps the input and shows the service's message. The steps are shown on the case overview."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.views.common import stay_write, to_overview
from screening.errors import AssignmentRefused
from screening.forms_assignment import (
    CodeCorrectionForm,
    ContraindicationCheckForm,
    DecisionForm,
    MotivationForm,
    NeedAssessmentForm,
)
from screening.selectors_assignment import stay_assignment
from screening.services import assignment as services
from staff.models import Profession

SECTION = "screening"


def physician_required(view):
    """The contraindication check is a physician's (A-4, rec. 2.3): other care-team members get 404."""

    @wraps(view)
    def wrapped(request, stay, *args, **kwargs):
        if request.user.profession != Profession.PHYSICIAN:
            raise Http404
        return view(request, stay, *args, **kwargs)

    return wrapped


def _step_page(request, stay, form, record, *, title, done, template="screening/assignment_form.html", extra=None):
    """Validate ``form``, call ``record(cleaned_data)``; on success back to the overview, else the page again."""
    if request.method == "POST" and form.is_valid():
        try:
            record(form.cleaned_data)
        except AssignmentRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return to_overview(stay, SECTION)
    return render(request, template, {"stay": stay, "form": form, "title": title, **(extra or {})})


@stay_write
def need_assessment_create(request: HttpRequest, stay) -> HttpResponse:
    form = NeedAssessmentForm(request.POST or None)
    return _step_page(
        request,
        stay,
        form,
        lambda data: services.need_assessment_record(by=request.user, stay=stay, **data),
        title=gettext_lazy("Record need assessment (screening not positive)"),
        done=_("Need assessment recorded."),
    )


@stay_write
def motivation_create(request: HttpRequest, stay) -> HttpResponse:
    form = MotivationForm(request.POST or None)
    return _step_page(
        request,
        stay,
        form,
        lambda data: services.motivation_record(by=request.user, stay=stay, **data),
        title=gettext_lazy("Record motivation for work-related topics"),
        done=_("Motivation recorded."),
    )


@stay_write
@physician_required
def contraindication_check_create(request: HttpRequest, stay) -> HttpResponse:
    form = ContraindicationCheckForm(request.POST or None)
    return _step_page(
        request,
        stay,
        form,
        lambda data: services.contraindication_check_record(
            by=request.user,
            stay=stay,
            checked_on=data["checked_on"],
            findings=data["findings"],
            other_text=data["other_text"],
        ),
        title=gettext_lazy("Record the contraindication check"),
        done=_("Contraindication check recorded."),
    )


@stay_write
def decision_create(request: HttpRequest, stay) -> HttpResponse:
    form = DecisionForm(request.POST or None)

    def record(data):
        decision = services.decision_record(by=request.user, stay=stay, **data)
        warning = services.not_motivated_warning(decision)
        if warning:
            messages.warning(request, warning)
        return decision

    state = stay_assignment(stay, timezone.localdate())
    return _step_page(
        request,
        stay,
        form,
        record,
        title=gettext_lazy("Record the switch") if state.current_decision else gettext_lazy("Record the decision"),
        done=_("Decision recorded."),
        template="screening/assignment_decision.html",
        extra={"assignment": state},
    )


@stay_write
def code_correction_create(request: HttpRequest, stay) -> HttpResponse:
    form = CodeCorrectionForm(request.POST or None)
    state = stay_assignment(stay, timezone.localdate())
    return _step_page(
        request,
        stay,
        form,
        lambda data: services.code_correction_record(by=request.user, stay=stay, **data),
        title=gettext_lazy("Record the department-code correction"),
        done=_("Department-code correction recorded."),
        template="screening/assignment_code.html",
        extra={"assignment": state},
    )
