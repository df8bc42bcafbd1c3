"""Pages of the return-to-work plan (8.13, 8.14, 10.4–10.6): the plan with its contact log, start, edit, steps,
stakeholders (each with the patient's consent), agreement with the patient, a new version, and the versions.

Reads use ``stay_view`` (care team, audited); writes ``stay_write`` (care-team clinicians). Steps and stakeholders
are looked up through the stay (else 404). A refused write shows the form again with the service's message and the
input kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from patients.selectors import consent_status, stay_consents
from patients.views.common import stay_write
from reintegration import forms_rtw as forms
from reintegration import selectors_rtw as selectors
from reintegration.errors import RtwRefused
from reintegration.models import RtwStakeholder, RtwStatus, RtwStep
from reintegration.services import rtw as services
from staff.models import Role
from wmr import locking
from wmr.access import stay_view
from wmr.locking import StaleEdit

FORM_TEMPLATE = "reintegration/rtw_form.html"


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def _to_plan(stay) -> HttpResponse:
    return redirect("reintegration:rtw", stay_id=stay.pk)


def _state(stay):
    return selectors.stay_rtw_state(stay, timezone.localdate())


def _form_page(request, stay, form, save: Callable, *, title, done: str, extra=None) -> HttpResponse:
    """Validate ``form`` and call ``save(form)``; on success back to the plan, else the form again with the message.
    Someone saved the draft meanwhile: the form again with what they changed and the new version (409)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEdit as exc:
            locking.form_refused(form, exc)
            status = locking.STALE_STATUS
        except RtwRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _to_plan(stay)
    context = {"stay": stay, "form": form, "title": title, **(extra or {})}
    return render(request, FORM_TEMPLATE, context, status=status)


def _draft_or_none(request, stay):
    draft = _state(stay).draft
    if draft is None:
        messages.info(request, _("There is no draft to edit. To change the agreed plan, start a new version."))
    return draft


@require_GET
@stay_view("reintegration.rtw.viewed")
def plan(request: HttpRequest, stay) -> HttpResponse:
    return render(
        request,
        "reintegration/rtw_detail.html",
        {
            "stay": stay,
            "s": _state(stay),
            "contact_log": list(selectors.rtw_contact_log(stay)),
            "may_write": _may_write(request, stay),
        },
    )


@require_GET
@stay_view("reintegration.rtw.versions_viewed")
def versions(request: HttpRequest, stay) -> HttpResponse:
    return render(
        request,
        "reintegration/rtw_versions.html",
        {"stay": stay, "versions": list(selectors.stay_rtw_plans(stay)), "history": selectors.stay_rtw_history(stay)},
    )


@stay_write
def start(request: HttpRequest, stay) -> HttpResponse:
    form = forms.RtwPlanForm(request.POST or None, start=True)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_plan_start(by=request.user, stay=stay, **f.cleaned_data),
        title=gettext_lazy("Start the return-to-work plan"),
        done=_("Return-to-work plan started. Now add the steps after WMR and the stakeholders."),
    )


@stay_write
def edit(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_none(request, stay)
    if draft is None:
        return _to_plan(stay)
    form = forms.RtwPlanForm(request.POST or None, instance=draft)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_plan_update(
            by=request.user, plan=draft, lock_version=f.loaded_version, **f.cleaned_data
        ),
        title=gettext_lazy("Change the goal (version %(version)s, draft)") % {"version": draft.version},
        done=_("Return-to-work plan saved."),
    )


@stay_write
def step_add(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_none(request, stay)
    if draft is None:
        return _to_plan(stay)
    form = forms.RtwStepForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_step_add(by=request.user, plan=draft, **f.cleaned_data),
        title=gettext_lazy("Add a step after WMR (version %(version)s, draft)") % {"version": draft.version},
        done=_("Step saved."),
    )


def _step_of(stay, step_id: int) -> RtwStep:
    return get_object_or_404(RtwStep.objects.select_related("plan__stay"), pk=step_id, plan__stay=stay)


@stay_write
def step_edit(request: HttpRequest, stay, step_id: int) -> HttpResponse:
    step = _step_of(stay, step_id)
    if step.plan.status != RtwStatus.DRAFT:
        messages.warning(request, _("This step belongs to an agreed version. Start a new version to change it."))
        return _to_plan(stay)
    form = forms.RtwStepForm(request.POST or None, instance=step)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_step_update(by=request.user, step=step, lock_version=f.loaded_version, **f.cleaned_data),
        title=gettext_lazy("Change a step after WMR"),
        done=_("Step saved."),
    )


@require_POST
@stay_write
def step_remove(request: HttpRequest, stay, step_id: int) -> HttpResponse:
    step = _step_of(stay, step_id)
    try:
        services.rtw_step_remove(by=request.user, step=step)
    except RtwRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Step removed from the draft."))
    return _to_plan(stay)


@stay_write
def stakeholder_add(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_none(request, stay)
    if draft is None:
        return _to_plan(stay)
    form = forms.RtwStakeholderForm(request.POST or None, stay=stay)
    consents = list(stay_consents(stay))
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_stakeholder_add(by=request.user, plan=draft, **f.cleaned_data),
        title=gettext_lazy("Add a stakeholder (version %(version)s, draft)") % {"version": draft.version},
        done=_("Stakeholder added."),
        extra={
            "intro": _(
                "A stakeholder is involved only with the patient's consent to contact them: employer (consent "
                "“employer”), occupational physician and BEM (consent “occupational physician / BEM”), integration "
                "service and employment agency (their own consents), the pension insurer's case management (consent "
                "“payer”)."
            ),
            "consents": consent_status(consents, timezone.localdate()),
        },
    )


@require_POST
@stay_write
def stakeholder_remove(request: HttpRequest, stay, stakeholder_id: int) -> HttpResponse:
    stakeholder = get_object_or_404(
        RtwStakeholder.objects.select_related("plan__stay"), pk=stakeholder_id, plan__stay=stay
    )
    try:
        services.rtw_stakeholder_remove(by=request.user, stakeholder=stakeholder)
    except RtwRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stakeholder removed from the draft."))
    return _to_plan(stay)


@stay_write
def agree(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_none(request, stay)
    if draft is None:
        return _to_plan(stay)
    form = forms.RtwAgreeForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.rtw_plan_agree(by=request.user, plan=draft, **f.cleaned_data),
        title=gettext_lazy("Mark version %(version)s as agreed with the patient") % {"version": draft.version},
        done=_("The return-to-work plan is agreed with the patient."),
        extra={
            "intro": _(
                "Once agreed, this version is locked. A later change makes a new version; this one stays readable."
            )
        },
    )


@require_POST
@stay_write
def revise(request: HttpRequest, stay) -> HttpResponse:
    agreed = _state(stay).agreed
    if agreed is None:
        raise Http404
    try:
        new = services.rtw_plan_revise(by=request.user, plan=agreed)
    except RtwRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(version)s started as a draft; the agreed version stays valid until it is agreed.")
            % {"version": new.version},
        )
    return _to_plan(stay)
