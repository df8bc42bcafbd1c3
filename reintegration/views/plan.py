"""Pages of the graded return-to-work plan (Hamburg model, §74 SGB V, §44 SGB IX): the plan page with its steps,
checks, payer, prerequisites, consents, interruptions, tasks and printed plans; the versions page; one form page per
write (the builder's step form has a server-side preview that saves nothing).

The care team reads (``stay_view``), its clinicians write (``stay_write``); objects fetched by id must belong to the
URL's stay (else 404). A refused service call shows the form again with the service's message and the typed values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from patients.errors import DomainError
from patients.models import Consent, ConsentKind
from patients.views.common import stay_write
from reintegration import documents_plan, hamburg
from reintegration import forms_plan as forms
from reintegration.errors import PlanNotReady
from reintegration.models import GradedReturnPlan, PlanInterruption, PlanStep, PlanTask, PlanVacation
from reintegration.selectors_plan import stay_plan_state
from reintegration.services import plan as services
from staff.models import Role
from wmr import locking
from wmr.access import stay_view
from wmr.locking import StaleEdit

FORM = "reintegration/plan_form.html"
STEP_RULES = ("V-1", "V-2")  # a step without a day, or one that overlaps or leaves a gap: bad input, not a draft


def _today():
    return timezone.localdate()


def _posted(request: HttpRequest):
    """The POST data of a form page (an empty POST — e.g. only an unticked box — is still a submission)."""
    return request.POST if request.method == "POST" else None


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def _to_plan(stay, anchor: str = "") -> HttpResponse:
    response = redirect("reintegration:plan", stay_id=stay.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _current(stay) -> GradedReturnPlan | None:
    """The stay's newest version (the one the page shows and the forms change)."""
    return GradedReturnPlan.objects.filter(stay=stay).order_by("-version").first()


def _plan_or_404(stay) -> GradedReturnPlan:
    plan = _current(stay)
    if plan is None:
        raise Http404
    return plan


def _form_page(request, stay, form, save: Callable[[dict], object], *, title, done, anchor: str, **extra):
    """Validate ``form`` and call ``save(cleaned_data)``; success goes back to the plan page, a refusal shows the form
    again with the service's message and the input kept (the service stored nothing); someone saved the plan
    meanwhile: what they changed, and the new version (409)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except StaleEdit as exc:
            locking.form_refused(form, exc)
            status = locking.STALE_STATUS
        except PlanNotReady as exc:
            form.add_error(None, _refusal_head(exc))
            for problem in exc.problems:
                form.add_error(None, problem)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, result if isinstance(result, str) else done)
            return _to_plan(stay, anchor)
    context = {"stay": stay, "form": form, "title": title, "anchor": anchor, **extra}
    return render(request, FORM, context, status=status)


def _refusal_head(exc: PlanNotReady) -> str:
    if exc.warnings_only:
        return _("Please confirm the warnings before the plan is marked as ready:")
    return _("The plan cannot be marked as ready yet:")


def _post_action(request, stay, action: Callable[[], object], *, done: str, anchor: str) -> HttpResponse:
    """A button without a form page (remove, new version): the message of a refusal, else ``done``."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result if isinstance(result, str) else done)
    return _to_plan(stay, anchor)


# --- reads --------------------------------------------------------------------------------------------------------


@require_GET
@stay_view("reintegration.plan.viewed")
def plan_detail(request: HttpRequest, stay) -> HttpResponse:
    state = stay_plan_state(stay, _today())
    context = {
        "stay": stay,
        "may_write": _may_write(request, stay),
        "state": state,
        "sheet": documents_plan.current_sheet(state),
        "documents": list(documents_plan.plan_documents(stay)),
    }
    return render(request, "reintegration/plan_detail.html", context)


@require_GET
@stay_view("reintegration.plan.versions_viewed")
def plan_versions(request: HttpRequest, stay) -> HttpResponse:
    """Every version with its steps and checks as it stands (§630f BGB: earlier versions stay readable)."""
    sheets = documents_plan.version_sheets(stay, _today())
    return render(request, "reintegration/plan_versions.html", {"stay": stay, "sheets": sheets})


# --- the plan and its steps ---------------------------------------------------------------------------------------


@stay_write
def plan_create(request: HttpRequest, stay) -> HttpResponse:
    form = forms.PlanCreateForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_create(by=request.user, stay=stay, starts_on=data["starts_on"], today=_today()),
        title=gettext_lazy("Create a graded return-to-work plan"),
        done=_("Plan created. Now add the steps."),
        anchor="steps",
    )


@stay_write
def plan_edit(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.PlanHeaderForm(
        _posted(request), initial=forms.PlanHeaderForm.initial_of(plan), version=plan.lock_version
    )
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_update(
            by=request.user, plan=plan, values=data, today=_today(), lock_version=form.loaded_version
        ),
        title=gettext_lazy("Edit the plan (version %(version)s)") % {"version": plan.version},
        done=_("Plan saved."),
        anchor="plan-status",
    )


@stay_write
def counseling(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    initial = {"counseled_on": plan.counseled_on, "counseling_topics": plan.counseling_topics}
    form = forms.CounselingForm(
        _posted(request), initial={k: v for k, v in initial.items() if v}, version=plan.lock_version
    )
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_update(
            by=request.user, plan=plan, values=data, today=_today(), lock_version=form.loaded_version
        ),
        title=gettext_lazy("Counselling on the graded return (K-2, rec 8.5)"),
        done=_("Counselling recorded."),
        anchor="counseling",
        intro=_(
            "Individual counselling on the content, the course and the financial consequences of the graded return, "
            "and on agreeing start, duration, step plan and measures with the employer."
        ),
    )


def _preview(plan: GradedReturnPlan, values: dict, *, replace: int | None) -> dict:
    """The plan as it would be with this step (added, or replacing step ``replace``): computed dates, rows and every
    finding. Nothing is stored."""
    given = services.plan_input(plan)
    step = hamburg.StepInput(
        weeks=values["weeks"],
        days=values["days"],
        starts_on=values["starts_on"],
        pattern=tuple(hamburg.PatternEntry(days=e["days"], hours=e["hours"]) for e in values["pattern"]),
        activities=values["activities"],
        restrictions=values["restrictions"],
    )
    steps = list(given.steps)
    if replace is None:
        steps.append(step)
    else:
        steps[replace - 1] = step
    candidate = dataclasses.replace(given, steps=tuple(steps))
    computed = hamburg.compute_plan(candidate)
    submitted_on = services.judged_submission_date(plan, _today())
    findings = hamburg.validate_plan(candidate, services.plan_facts(plan.stay), submitted_on=submitted_on)
    return {
        "computed": computed,
        "rows": documents_plan.step_rows(computed),
        "totals": {
            "weeks": documents_plan.hours_text(computed.total_weeks),
            "hours": documents_plan.hours_text(computed.total_hours),
        },
        "findings": findings,
    }


def _step_page(request, stay, plan, form, save, *, title, replace: int | None) -> HttpResponse:
    """The step form: "Preview" shows the computed plan with this step and its checks; "Save" calls the service."""
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        preview = _preview(plan, form.step_values(), replace=replace)
        position = replace or len(preview["rows"])
        # Bad input stores nothing: a step without a day or one that overlaps the step before or leaves a gap (V-1,
        # V-2) is refused with the rule's message. What the rules judge on a stored draft (under 2 hours V-3, over
        # the contract V-4, the plan-wide V-5 … V-10) is saved and shown in red or amber on the plan page.
        own_errors = [f for f in hamburg.errors(preview["findings"]) if f.step == position and f.code in STEP_RULES]
        for finding in own_errors:
            form.add_error(None, finding.message)
        if "preview" not in request.POST and not own_errors:
            try:
                save(form.step_values())
            except StaleEdit as exc:  # someone saved the step meanwhile: what they changed, and the new version
                locking.form_refused(form, exc)
                status = locking.STALE_STATUS
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Step %(n)s saved.") % {"n": position})
                return _to_plan(stay, "steps")
    context = {
        "stay": stay,
        "plan": plan,
        "form": form,
        "title": title,
        "preview": preview,
        "submit_label": form.submit_label,
        "contract_hours": documents_plan.hours_text(plan.hours_per_day),
        "locked": plan.status not in documents_plan.EDITABLE,
    }
    return render(request, "reintegration/plan_step_form.html", context, status=status)


def _step_form(request, plan, **kwargs) -> forms.StepForm:
    return forms.StepForm(
        _posted(request), working_days=plan.working_days_per_week, contract_hours=plan.hours_per_day, **kwargs
    )


@stay_write
def step_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    return _step_page(
        request,
        stay,
        plan,
        _step_form(request, plan),
        lambda values: services.step_add(by=request.user, plan=plan, **values),
        title=gettext_lazy("Add step %(n)s") % {"n": plan.steps.count() + 1},
        replace=None,
    )


def _step_of(stay, step_id: int) -> PlanStep:
    return get_object_or_404(PlanStep.objects.select_related("plan__stay"), pk=step_id, plan__stay=stay)


@stay_write
def step_edit(request: HttpRequest, stay, step_id: int) -> HttpResponse:
    step = _step_of(stay, step_id)
    plan = _plan_or_404(stay)
    if step.plan_id != plan.pk:
        messages.warning(request, _("This step belongs to an earlier version; it stays as it was."))
        return _to_plan(stay, "steps")
    form = _step_form(request, plan, initial=forms.StepForm.initial_of(step), version=step.lock_version)
    return _step_page(
        request,
        stay,
        plan,
        form,
        lambda values: services.step_change(
            by=request.user, step=step, values=values, lock_version=form.loaded_version
        ),
        title=gettext_lazy("Change step %(n)s") % {"n": step.position},
        replace=step.position,
    )


@require_POST
@stay_write
def step_remove(request: HttpRequest, stay, step_id: int) -> HttpResponse:
    step = _step_of(stay, step_id)
    return _post_action(
        request,
        stay,
        lambda: services.step_remove(by=request.user, step=step),
        done=_("Step removed; the following steps move up."),
        anchor="steps",
    )


@stay_write
def vacation_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.VacationForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.vacation_add(by=request.user, plan=plan, **data),
        title=gettext_lazy("Enter vacation"),
        done=_("Vacation entered."),
        anchor="vacations",
        intro=_(
            "No vacation is possible during the graded return: the patient is on sick leave throughout. Enter any "
            "leave that is planned, so the plan's check can show a conflict (V-10, E-6)."
        ),
    )


@require_POST
@stay_write
def vacation_remove(request: HttpRequest, stay, vacation_id: int) -> HttpResponse:
    vacation = get_object_or_404(PlanVacation.objects.select_related("plan__stay"), pk=vacation_id, plan__stay=stay)
    return _post_action(
        request,
        stay,
        lambda: services.vacation_remove(by=request.user, vacation=vacation),
        done=_("Vacation removed."),
        anchor="vacations",
    )


# --- prerequisites and consents -----------------------------------------------------------------------------------


@stay_write
def prerequisites(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.PrerequisitesForm(_posted(request), initial=forms.PrerequisitesForm.initial_of(plan))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.prerequisites_record(by=request.user, plan=plan, **data),
        title=gettext_lazy("Prerequisites of the graded return (P-1, P-2, P-5)"),
        done=_("Prerequisites recorded."),
        anchor="prerequisites",
    )


@stay_write
def consent_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    consents = Consent.objects.filter(stay=stay, kind=ConsentKind.OCCUPATIONAL_PHYSICIAN).order_by("-given_on")
    initial = {"party": request.GET.get("party", ""), "state": request.GET.get("state", "")}
    form = forms.ConsentForm(_posted(request), consents=consents, initial={k: v for k, v in initial.items() if v})
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.consent_record(by=request.user, plan=plan, today=_today(), **data),
        title=gettext_lazy("Record a consent to the graded return"),
        done=_("Consent recorded."),
        anchor="consents",
        intro=_(
            "The patient's written consent (C-1), the employer's agreement (C-2; not required with a recorded severe "
            "disability, C-4) and the physician's approval of the step plan (C-3) are needed. A withdrawal is a new "
            "entry (C-7): before the start the plan ends as not started, after it as aborted."
        ),
    )


# --- phases -------------------------------------------------------------------------------------------------------


@stay_write
def mark_ready(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    sheet = documents_plan.current_sheet(stay_plan_state(stay, _today()))
    needs_reason = {f.code for f in sheet.findings if f.needs_reason}
    initial = {
        "long_plan_justification": plan.long_plan_justification,
        "payer_override_reason": plan.payer_override_reason,
        "payer_reference": plan.payer_reference,
    }
    form = forms.ReadyForm(_posted(request), needs_reason=needs_reason, initial=initial)

    def save(data):
        # The justifications and the step to ``ready`` are one change: a refusal stores neither.
        with transaction.atomic():
            if form.justifications():
                services.plan_update(by=request.user, plan=plan, values=form.justifications(), today=_today())
            services.plan_mark_ready(
                by=request.user, plan=plan, confirm_warnings=data["confirm_warnings"], today=_today()
            )

    return _form_page(
        request,
        stay,
        form,
        save,
        title=gettext_lazy("Mark the plan as ready"),
        done=_("The plan is ready to be submitted."),
        anchor="plan-status",
        findings=sheet.findings,
        intro=_(
            "A plan with errors cannot be ready. Warnings need your confirmation; a plan longer than six months "
            "(V-5) and keeping the pension insurance after more than 28 days (V-9) need a justification."
        ),
    )


@stay_write
def submit(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.SubmitForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_submit(
            by=request.user, plan=plan, submitted_on=data["submitted_on"], today=_today()
        ),
        title=gettext_lazy("Submitted to employer and payer"),
        done=_("Submission recorded."),
        anchor="plan-status",
    )


@stay_write
def approve(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.ApproveForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_approve(by=request.user, plan=plan, today=_today(), **data),
        title=gettext_lazy("The payer approved the funding (C-5)"),
        done=_("Approval recorded."),
        anchor="plan-status",
    )


@stay_write
def start(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.StartForm(_posted(request), initial={"actual_start": plan.starts_on})
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_start(by=request.user, plan=plan, today=_today(), **data),
        title=gettext_lazy("The graded return has started"),
        done=_("Start recorded: the plan is running."),
        anchor="plan-status",
    )


def _verdict_message(interruption: PlanInterruption) -> str:
    verdict = hamburg.judge_interruption(interruption.first_missed_day, interruption.last_missed_day, _today())
    return verdict.explanation


@stay_write
def interruption_add(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.InterruptionForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: _verdict_message(services.interruption_record(by=request.user, plan=plan, today=_today(), **data)),
        title=gettext_lazy("Record an interruption"),
        done=_("Interruption recorded."),
        anchor="interruptions",
        intro=_(
            "The plan may pause for at most 7 calendar days (first to last missed day). An interruption of more than "
            "7 days ends the plan as failed from its first day unless its end was foreseeable and the payer decides "
            "to continue (E-1 … E-4)."
        ),
    )


def _interruption_of(stay, interruption_id: int) -> PlanInterruption:
    return get_object_or_404(PlanInterruption.objects.select_related("plan__stay"), pk=interruption_id, plan__stay=stay)


@stay_write
def interruption_close(request: HttpRequest, stay, interruption_id: int) -> HttpResponse:
    interruption = _interruption_of(stay, interruption_id)
    form = forms.InterruptionCloseForm(_posted(request), first_missed_day=interruption.first_missed_day)
    return _form_page(
        request,
        stay,
        form,
        lambda data: _verdict_message(
            services.interruption_close(
                by=request.user, interruption=interruption, last_missed_day=data["last_missed_day"], today=_today()
            )
        ),
        title=gettext_lazy("Close the interruption since %(date)s")
        % {"date": f"{interruption.first_missed_day:%d.%m.%Y}"},
        done=_("Interruption closed."),
        anchor="interruptions",
    )


@stay_write
def payer_continue(request: HttpRequest, stay, interruption_id: int) -> HttpResponse:
    interruption = _interruption_of(stay, interruption_id)
    form = forms.PayerContinueForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.payer_decision_continue(by=request.user, interruption=interruption, **data),
        title=gettext_lazy("The payer decided to continue the plan (E-4)"),
        done=_("The payer's decision is recorded; the plan is running again."),
        anchor="interruptions",
    )


@stay_write
def complete(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.CompleteForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_complete(by=request.user, plan=plan, today=_today(), **data),
        title=gettext_lazy("Full working capacity reached (E-7)"),
        done=_("The graded return is completed."),
        anchor="plan-status",
    )


@stay_write
def abort(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)
    form = forms.AbortForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.plan_abort(by=request.user, plan=plan, today=_today(), **data),
        title=gettext_lazy("Stop the graded return"),
        done=_("The plan is stopped."),
        anchor="plan-status",
        intro=_(
            "The patient, the employer or the physician may stop the graded return (E-7, C-7). A consent withdrawn "
            "is recorded under the consents instead."
        ),
    )


@require_POST
@stay_write
def new_version(request: HttpRequest, stay) -> HttpResponse:
    plan = _plan_or_404(stay)

    def make():
        new = services.plan_new_version(by=request.user, plan=plan, today=_today())
        return _("Version %(version)s started as a draft with the steps copied; version %(old)s stays readable.") % {
            "version": new.version,
            "old": plan.version,
        }

    return _post_action(request, stay, make, done="", anchor="steps")


@stay_write
def task_done(request: HttpRequest, stay, task_id: int) -> HttpResponse:
    task = get_object_or_404(PlanTask.objects.select_related("plan__stay"), pk=task_id, plan__stay=stay)
    form = forms.TaskDoneForm(_posted(request))
    return _form_page(
        request,
        stay,
        form,
        lambda data: services.task_done(by=request.user, task=task, on=data["on"]),
        title=task.get_kind_display(),
        done=_("Task done."),
        anchor="tasks",
    )


# --- printed plans ------------------------------------------------------------------------------------------------


def _print(request, stay, create) -> HttpResponse:
    plan = _plan_or_404(stay)
    try:
        document = create(by=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _to_plan(stay, "documents")
    return redirect("patients:document-download", stay_id=stay.pk, document_id=document.pk)


@require_POST
@stay_write
def plan_pdf(request: HttpRequest, stay) -> HttpResponse:
    """The full step plan for patient, physician, employer and payer: stored with its hash, then downloaded."""
    return _print(request, stay, documents_plan.graded_plan_create)


@require_POST
@stay_write
def employer_pdf(request: HttpRequest, stay) -> HttpResponse:
    """The employer's copy (D-2: dates, hours, activities, restrictions only): stored with its hash, downloaded."""
    return _print(request, stay, documents_plan.employer_copy_create)
