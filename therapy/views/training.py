"""The workplace training of a stay (recommendations 7.2–7.8): one page with the plan, its sub-goals, the situations
practised and the transfer strategies; one form page per write; the patient's PDF of the strategies.

The care team reads (``stay_view``), the care team's clinicians write (``stay_write``). Entries fetched by id must
belong to the URL's stay (else 404). A refused write shows the service's message and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from patients.errors import DomainError
from patients.views.common import stay_write
from therapy import documents
from therapy.forms_training import (
    SituationForm,
    StrategyChangeForm,
    StrategyForm,
    SubGoalAssessForm,
    SubGoalForm,
    TrainingPlanForm,
)
from therapy.models import TrainingPlan, TrainingSubGoal, TransferStrategy
from therapy.selectors_training import (
    changed_ids,
    profile_basis_suggestion,
    stay_training_state,
    training_documents,
    training_history_entries,
)
from therapy.services import training as services
from wmr.access import stay_view

TEMPLATE_FORM = "therapy/training_form.html"


def _to_training(stay, anchor: str = "") -> HttpResponse:
    response = redirect("therapy:training", stay_id=stay.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _plan_or_404(stay) -> TrainingPlan:
    plan = TrainingPlan.objects.filter(stay=stay).first()
    if plan is None:
        raise Http404
    return plan


def _form_page(request, stay, form, save: Callable[[dict], object], *, title, done: str, anchor: str, extra=None):
    """Validate ``form`` and call ``save(cleaned_data)``; success goes back to the training page, a refusal shows the
    form again with the service's message and the input kept."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _to_training(stay, anchor)
    context = {"stay": stay, "form": form, "title": title, "anchor": anchor, **(extra or {})}
    return render(request, TEMPLATE_FORM, context)


@stay_view("therapy.training.viewed")
def training_detail(request: HttpRequest, stay) -> HttpResponse:
    state = stay_training_state(stay)
    may_write = request.user.is_clinician and request.user.has_perm("patients.change_stay", stay)
    context = {"stay": stay, "training": state, "may_write": may_write}
    if state.plan is None:
        if may_write:
            context["start_form"] = TrainingPlanForm(
                action=reverse("therapy:training-start", args=[stay.pk]), suggestion=profile_basis_suggestion(stay)
            )
        return render(request, "therapy/training_detail.html", context)
    entries = training_history_entries(state.plan)
    context |= {"entries": entries, "changed": changed_ids(entries), "documents": training_documents(stay)}
    if may_write:
        context |= {
            "subgoal_form": SubGoalForm(action=reverse("therapy:training-subgoal-add", args=[stay.pk])),
            "situation_form": SituationForm(action=reverse("therapy:training-situation-add", args=[stay.pk])),
            "strategy_form": StrategyForm(action=reverse("therapy:training-strategy-add", args=[stay.pk])),
        }
    return render(request, "therapy/training_detail.html", context)


@stay_write
def training_start(request: HttpRequest, stay) -> HttpResponse:
    form = TrainingPlanForm(request.POST or None, suggestion=profile_basis_suggestion(stay))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.training_plan_start(
            by=request.user, stay=stay, starts_on=data["starts_on"], profile_basis=data["profile_basis"]
        ),
        title=gettext_lazy("Start the workplace training"),
        done=_("Workplace training started."),
        anchor="plan",
    )


@stay_write
def training_change(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    initial = {
        "starts_on": plan.starts_on,
        "profile_basis": plan.profile_basis,
        "based_on": services.latest_version(plan),
    }
    form = TrainingPlanForm(request.POST or None, initial=initial, change=True)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.training_plan_change(
            by=request.user,
            plan=plan,
            starts_on=data["starts_on"],
            profile_basis=data["profile_basis"],
            based_on=data["based_on"],
        ),
        title=gettext_lazy("Change the start or the profile basis"),
        done=_("Workplace training changed."),
        anchor="plan",
    )


@stay_write
def subgoal_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = SubGoalForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.subgoal_add(by=request.user, plan=plan, **data),
        title=gettext_lazy("Agree a sub-goal"),
        done=_("Sub-goal added."),
        anchor="subgoals",
    )


@stay_write
def subgoal_assess(request: HttpRequest, stay, subgoal_id: int) -> HttpResponse:
    subgoal = get_object_or_404(TrainingSubGoal.objects.select_related("plan__stay"), pk=subgoal_id, plan__stay=stay)
    initial = {"based_on": services.latest_version(subgoal)}
    if subgoal.result != "open":
        initial |= {"result": subgoal.result, "note": subgoal.result_note, "assessed_on": subgoal.assessed_on}
    form = SubGoalAssessForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.subgoal_assess(by=request.user, subgoal=subgoal, **data),
        title=gettext_lazy("Assess a sub-goal"),
        done=_("Sub-goal assessed."),
        anchor="subgoals",
        extra={"subject": subgoal},
    )


@stay_write
def situation_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = SituationForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.situation_add(by=request.user, plan=plan, **data),
        title=gettext_lazy("Record a work situation practised"),
        done=_("Work situation recorded."),
        anchor="situations",
    )


@stay_write
def strategy_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = StrategyForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.strategy_add(by=request.user, plan=plan, **data),
        title=gettext_lazy("Record a transfer strategy"),
        done=_("Transfer strategy recorded."),
        anchor="strategies",
    )


@stay_write
def strategy_change(request: HttpRequest, stay, strategy_id: int) -> HttpResponse:
    strategy = get_object_or_404(TransferStrategy, pk=strategy_id, plan__stay=stay)
    initial = {
        "situation": strategy.situation,
        "strategy": strategy.strategy,
        "based_on": services.latest_version(strategy),
    }
    form = StrategyChangeForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.strategy_change(
            by=request.user,
            strategy=strategy,
            situation=data["situation"],
            text=data["strategy"],
            based_on=data["based_on"],
        ),
        title=gettext_lazy("Change a transfer strategy"),
        done=_("Transfer strategy changed; the earlier wording stays in the versions."),
        anchor="strategies",
        extra={"subject": strategy},
    )


@require_POST
@stay_write
def strategies_pdf(request: HttpRequest, stay) -> HttpResponse:
    """Make the patient's PDF of the transfer strategies (7.8), store it, and hand it out through the audited
    download of stored documents."""
    plan = _plan_or_404(stay)
    try:
        document = documents.transfer_strategies_create(by=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_training(stay, "strategies")
    return redirect("patients:document-download", stay_id=stay.pk, document_id=document.pk)
