"""The sick-leave history of a stay (rec 8.2, 8.4; hamburg_model.md §10, K-1): one page with the periods, the window
and its days, the triggers and their outcomes, the projection at discharge and the §74 note; one form page per write
(a period added, corrected or removed; a trigger's outcome; the work situation).

The care team reads (``stay_view``), the care team's clinicians write (``stay_write``). A period fetched by id must
belong to the URL's stay (else 404). A refused write shows the service's message and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from patients.errors import DomainError
from patients.history import history_entries
from patients.views.common import stay_write
from reintegration import selectors_sickleave as selectors
from reintegration.forms_sickleave import (
    SickLeavePeriodForm,
    SickLeaveRemoveForm,
    TriggerExaminationForm,
    WorkSituationForm,
)
from reintegration.models import SickLeavePeriod, WorkSituation
from reintegration.services import sickleave as services
from wmr.access import stay_view

TEMPLATE_FORM = "reintegration/sickleave_form.html"


def _to_page(stay, anchor: str = "") -> HttpResponse:
    response = redirect("reintegration:sick-leave", stay_id=stay.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _form_page(
    request,
    stay,
    form,
    save: Callable[[dict], object],
    *,
    title,
    done: str,
    anchor: str,
    template: str = TEMPLATE_FORM,
    extra: dict | None = None,
):
    """Validate ``form`` and call ``save(cleaned_data)``; success goes back to the sick-leave page, a refusal shows
    the form again with the service's message and the input kept."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _to_page(stay, anchor)
    context = {"stay": stay, "form": form, "title": title, "anchor": anchor, **(extra or {})}
    return render(request, template, context)


def _period_of(stay, period_id: int) -> SickLeavePeriod:
    return get_object_or_404(SickLeavePeriod.objects.select_related("stay"), pk=period_id, stay=stay)


def _period_history(period: SickLeavePeriod) -> list:
    records = period.history.select_related("history_user").order_by("history_date", "history_id")
    return list(reversed(history_entries(records, "")))


@require_GET
@stay_view("reintegration.sick_leave.viewed")
def sick_leave(request: HttpRequest, stay) -> HttpResponse:
    may_write = request.user.is_clinician and request.user.has_perm("patients.change_stay", stay)
    return render(
        request,
        "reintegration/sickleave_detail.html",
        {
            "stay": stay,
            "s": selectors.stay_sick_leave_state(stay, timezone.localdate()),
            "history": selectors.stay_sick_leave_history(stay),
            "may_write": may_write,
        },
    )


@stay_write
def period_add(request: HttpRequest, stay) -> HttpResponse:
    form = SickLeavePeriodForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.sick_leave_add(by=request.user, stay=stay, **data),
        title=gettext_lazy("Enter a period of sick leave"),
        done=_("Period saved."),
        anchor="periods",
        extra={
            "intro": _(
                "Periods of incapacity for work in the 12 months before admission: certified sick leave, sick days "
                "without a certificate and cure or rehab stays all count (BEM, §167(2) SGB IX)."
            )
        },
    )


@stay_write
def period_correct(request: HttpRequest, stay, period_id: int) -> HttpResponse:
    period = _period_of(stay, period_id)
    form = SickLeavePeriodForm(request.POST or None, instance=period, correct=True)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.sick_leave_correct(by=request.user, period=period, **data),
        title=gettext_lazy("Correct a period of sick leave"),
        done=_("Correction saved; the earlier version stays in the history."),
        anchor="periods",
        extra={"subject": period, "history": _period_history(period)},
    )


@stay_write
def period_remove(request: HttpRequest, stay, period_id: int) -> HttpResponse:
    period = _period_of(stay, period_id)
    form = SickLeaveRemoveForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.sick_leave_remove(by=request.user, period=period, reason=data["reason"]),
        title=gettext_lazy("Remove a period entered by mistake"),
        done=_("Period removed; the history keeps what it said."),
        anchor="periods",
        extra={"subject": period, "history": _period_history(period)},
    )


@stay_write
def trigger_examine(request: HttpRequest, stay) -> HttpResponse:
    form = TriggerExaminationForm(request.POST or None, kind=request.GET.get("kind", ""))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.trigger_examination_record(by=request.user, stay=stay, **data),
        title=gettext_lazy("Record the outcome of a trigger"),
        done=_("Outcome recorded."),
        anchor="triggers",
        extra={
            "intro": _(
                "BEM (8.2) and a graded return (8.4) are examined before discharge. The graded-return check belongs "
                "on or before the discharge day."
            )
        },
    )


@stay_write
def work_situation(request: HttpRequest, stay) -> HttpResponse:
    instance = WorkSituation.objects.filter(stay=stay).first()
    form = WorkSituationForm(request.POST or None, instance=instance)
    history = []
    if instance is not None:
        history = list(
            reversed(
                history_entries(
                    instance.history.select_related("history_user").order_by("history_date", "history_id"), ""
                )
            )
        )
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.work_situation_save(by=request.user, stay=stay, **data),
        title=gettext_lazy("Work situation"),
        done=_("Work situation saved."),
        anchor="work-situation",
        template="reintegration/work_situation_form.html",
        extra={"history": history},
    )
