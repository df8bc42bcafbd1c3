"""Pages of the goal agreement (recommendations 3.4–3.9): the agreement, its goals, agreement with the patient,
reviews, the versions, and the patient's copy. Reads use ``stay_view`` (care team, audited); writes ``stay_write``.
A refused step keeps the input and shows the service's message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from goals import documents, forms, selectors, services
from goals.errors import GoalsRefused
from goals.models import Goal, GoalAgreement
from patients.views.common import stay_write
from staff.models import Role
from wmr import locking
from wmr.access import stay_view
from wmr.locking import StaleEdit


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def to_agreement(stay) -> HttpResponse:
    return redirect("goals:agreement", stay_id=stay.pk)


def _state(stay):
    return selectors.stay_goals_state(stay, timezone.localdate())


def _form_page(request, stay, form, record, *, title, done, template="goals/form.html", extra=None):
    """Validate ``form`` and call ``record(form)``; on success back to the agreement page, else the page again.
    Someone saved the goal meanwhile: the page again with what they changed and the new version (409)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = record(form)
        except StaleEdit as exc:
            locking.form_refused(form, exc)
            status = locking.STALE_STATUS
        except GoalsRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return result if isinstance(result, HttpResponse) else to_agreement(stay)
    context = {"stay": stay, "form": form, "title": title, **(extra or {})}
    return render(request, template, context, status=status)


@require_GET
@stay_view("goals.agreement.viewed")
def agreement(request: HttpRequest, stay) -> HttpResponse:
    return render(
        request,
        "goals/agreement_detail.html",
        {
            "stay": stay,
            "goals_state": _state(stay),
            "copies": list(selectors.stay_copies(stay)),
            "may_write": _may_write(request, stay),
        },
    )


@require_GET
@stay_view("goals.agreement.versions_viewed")
def versions(request: HttpRequest, stay) -> HttpResponse:
    return render(
        request,
        "goals/agreement_versions.html",
        {
            "stay": stay,
            "versions": list(selectors.stay_agreements(stay, with_outcomes=True)),
            "history": selectors.stay_goals_history(stay),
        },
    )


@stay_write
def start(request: HttpRequest, stay) -> HttpResponse:
    form = forms.AgreementStartForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.agreement_start(by=request.user, stay=stay, **f.cleaned_data),
        title=gettext_lazy("Start the goal agreement"),
        done=_("Goal agreement started. Now write the goals with the patient."),
    )


def _draft_or_redirect(request, stay):
    state = _state(stay)
    if state.draft is None:
        messages.info(request, _("There is no draft to edit. To change agreed goals, start a new version."))
    return state.draft


@stay_write
def goal_add(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_redirect(request, stay)
    if draft is None:
        return to_agreement(stay)
    form = forms.GoalForm(request.POST or None, add_another=True)

    def record(f):
        services.goal_add(by=request.user, agreement=draft, **f.cleaned_data)
        if "save_and_add" in request.POST:
            return redirect("goals:goal-add", stay_id=stay.pk)
        return None

    return _form_page(
        request,
        stay,
        form,
        record,
        title=gettext_lazy("Add a goal (version %(version)s, draft)") % {"version": draft.version},
        done=_("Goal saved."),
    )


def _goal_of(stay, goal_id: int) -> Goal:
    return get_object_or_404(Goal.objects.select_related("agreement__stay"), pk=goal_id, agreement__stay=stay)


@stay_write
def goal_edit(request: HttpRequest, stay, goal_id: int) -> HttpResponse:
    goal = _goal_of(stay, goal_id)
    if not goal.agreement.is_draft:
        messages.warning(request, _("This goal belongs to an agreed version. Start a new version to change it."))
        return to_agreement(stay)
    form = forms.GoalForm(request.POST or None, instance=goal)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.goal_update(by=request.user, goal=goal, lock_version=f.loaded_version, **f.cleaned_data),
        title=gettext_lazy("Change a goal"),
        done=_("Goal saved."),
    )


@require_POST
@stay_write
def goal_remove(request: HttpRequest, stay, goal_id: int) -> HttpResponse:
    goal = _goal_of(stay, goal_id)
    try:
        services.goal_remove(by=request.user, goal=goal)
    except GoalsRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Goal removed from the draft."))
    return to_agreement(stay)


@stay_write
def agree(request: HttpRequest, stay) -> HttpResponse:
    draft = _draft_or_redirect(request, stay)
    if draft is None:
        return to_agreement(stay)
    form = forms.AgreeForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.agreement_agree(by=request.user, agreement=draft, **f.cleaned_data),
        title=gettext_lazy("Mark version %(version)s as agreed with the patient") % {"version": draft.version},
        done=_("The goals are agreed with the patient."),
        template="goals/agree.html",
        extra={"agreement": draft, "goals": list(draft.goals.order_by("position", "id"))},
    )


@require_POST
@stay_write
def revise(request: HttpRequest, stay) -> HttpResponse:
    state = _state(stay)
    if state.agreed is None:
        raise Http404
    try:
        new = services.agreement_revise(by=request.user, agreement=state.agreed)
    except GoalsRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(version)s started as a draft; the agreed version stays valid until it is agreed.")
            % {"version": new.version},
        )
    return to_agreement(stay)


@stay_write
def review(request: HttpRequest, stay) -> HttpResponse:
    agreed = _state(stay).agreed
    if agreed is None:
        messages.info(request, _("Goals can be reviewed once they are agreed with the patient."))
        return to_agreement(stay)
    form = forms.ReviewForm(request.POST or None, goals=agreed.goals.all())

    def record(f):
        result = services.review_record(
            by=request.user,
            agreement=agreed,
            occasion=f.cleaned_data["occasion"],
            reviewed_on=f.cleaned_data["reviewed_on"],
            note=f.cleaned_data["note"],
            outcomes=f.outcomes(),
        )
        if result.new_version:
            messages.info(
                request,
                _("A goal was changed: version %(version)s is a draft now. Change the goals and agree them again.")
                % {"version": result.new_version.version},
            )

    return _form_page(
        request,
        stay,
        form,
        record,
        title=gettext_lazy("Review the goals of version %(version)s") % {"version": agreed.version},
        done=_("Review recorded."),
        extra={
            "intro": _(
                "Record one outcome per goal. If a goal is “changed”, a new version of the agreement starts with the "
                "goals copied: change them there and agree them again with the patient. This version stays readable."
            )
        },
    )


def _agreement_of(stay, agreement_id: int) -> GoalAgreement:
    return get_object_or_404(
        GoalAgreement.objects.select_related("stay__patient", "stay__facility"), pk=agreement_id, stay=stay
    )


@require_POST
@stay_write
def copy_create(request: HttpRequest, stay, agreement_id: int) -> HttpResponse:
    agreement = _agreement_of(stay, agreement_id)
    try:
        documents.copy_create(by=request.user, agreement=agreement)
    except GoalsRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The patient's copy was created. Print it and hand it over."))
    return to_agreement(stay)


@stay_write
def handed_over(request: HttpRequest, stay, agreement_id: int) -> HttpResponse:
    agreement = _agreement_of(stay, agreement_id)
    form = forms.HandedOverForm(request.POST or None)
    return _form_page(
        request,
        stay,
        form,
        lambda f: services.copy_handed_over_record(by=request.user, agreement=agreement, **f.cleaned_data),
        title=gettext_lazy("Copy of version %(version)s handed over") % {"version": agreement.version},
        done=_("Handover of the copy recorded."),
    )
