"""The facility self-assessment: management answers the ``self_assessment`` rows per year with evidence.

Management of the facility only (``Role.MANAGEMENT`` and the facility among ``user.facilities``); everyone else,
and a facility of another clinic, gets 404. Bad input: the form again with the message, typed values kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compliance import catalogue
from compliance.errors import SelfAssessmentRefused, SelfAssessmentYearInvalid
from compliance.forms_selfassessment import SelfAssessmentForm, SelfAssessmentYearForm
from compliance.models import SelfAssessment
from compliance.selectors_selfassessment import facility_self_assessment, self_assessment_answer_for
from compliance.services_selfassessment import (
    previous_answered_year,
    self_assessment_copy_year,
    self_assessment_rows,
    self_assessment_save,
    year_is_valid,
)
from patients.history import history_entries
from staff.models import Role
from wmr import audit
from wmr.access import role_required

management_only = role_required(Role.MANAGEMENT)


def _facility(user, facility_id):
    """One of the user's facilities (404 for any other id, or one that is not a number); None = the first."""
    facilities = user.facilities.order_by("name")
    if facility_id in (None, ""):
        facility = facilities.first()
    else:
        try:
            facility = facilities.filter(pk=int(facility_id)).first()
        except (TypeError, ValueError):
            facility = None
    if facility is None:
        raise Http404
    return facility


def _overview_url(facility, year) -> str:
    return f"{reverse('compliance:self-assessment')}?{urlencode({'facility': facility.pk, 'year': year})}"


def _recommendation(rec_id: str):
    rec = catalogue.by_id().get(rec_id)
    if rec is None or rec.kind != "self_assessment":
        raise Http404
    return rec


@management_only
def self_assessment_overview(request: HttpRequest) -> HttpResponse:
    """The rows with this year's answers; ``?facility=&year=`` (a bad year: a message and the current year)."""
    facility = _facility(request.user, request.GET.get("facility"))
    this_year = timezone.localdate().year
    year_form = SelfAssessmentYearForm(request.GET if "year" in request.GET else None, initial={"year": this_year})
    year = year_form.cleaned_data["year"] if year_form.is_bound and year_form.is_valid() else this_year
    answers = facility_self_assessment(facility, year)
    rows = [(rec, answers.get(rec.id)) for rec in self_assessment_rows()]
    context = {
        "facility": facility,
        "facilities": request.user.facilities.order_by("name"),
        "year": year,
        "year_form": year_form,
        "rows": rows,
        "answered": len(answers),
        "copy_from": previous_answered_year(facility, year) if len(answers) < len(rows) else None,
    }
    return render(request, "compliance/self_assessment.html", context)


@management_only
def self_assessment_edit(request: HttpRequest, facility_id: int, year: int, rec_id: str) -> HttpResponse:
    facility = _facility(request.user, facility_id)
    rec = _recommendation(rec_id)
    current = (
        SelfAssessment.objects.filter(facility=facility, year=year, recommendation=rec.id)
        .defer("evidence_file")
        .first()
    )
    initial = {}
    if current is not None:
        initial = {k: getattr(current, k) for k in ("answer", "evidence_text", "evidence_url")}
    has_file = bool(current and current.evidence_file_name)
    form = SelfAssessmentForm(request.POST or None, request.FILES or None, initial=initial, has_file=has_file)
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_save(by=request.user, facility=facility, year=year, recommendation=rec, **form.cleaned_data)
        except SelfAssessmentRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Answer to %(id)s saved.") % {"id": rec.id})
            return redirect(_overview_url(facility, year))
    context = {"facility": facility, "year": year, "rec": rec, "current": current, "form": form}
    if not year_is_valid(year):
        context["year_problem"] = SelfAssessmentYearInvalid().message
    return render(request, "compliance/self_assessment_form.html", context)


@require_POST
@management_only
def self_assessment_copy(request: HttpRequest) -> HttpResponse:
    """Copy the latest earlier year's answers into the year shown, for the rows without an answer yet."""
    facility = _facility(request.user, request.POST.get("facility"))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    try:
        copied = self_assessment_copy_year(by=request.user, facility=facility, year=year)
    except SelfAssessmentRefused as exc:
        messages.error(request, exc.message)
        return redirect(_overview_url(facility, year if year_is_valid(year) else timezone.localdate().year))
    if copied:
        count = len(copied)
        messages.success(
            request,
            ngettext(
                "%(count)d answer copied from %(from)d. Please check it.",
                "%(count)d answers copied from %(from)d. Please check them.",
                count,
            )
            % {"count": count, "from": previous_answered_year(facility, year)},
        )
    else:
        messages.info(request, _("Nothing copied: every row of %(year)d has an answer already.") % {"year": year})
    return redirect(_overview_url(facility, year))


def _answer(request: HttpRequest, pk: int) -> SelfAssessment:
    answer = self_assessment_answer_for(request.user, pk)
    if answer is None:
        raise Http404
    return answer


@management_only
def self_assessment_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of one answer, newest first: the answer, evidence, file name and SHA-256, who and when."""
    answer = _answer(request, pk)
    records = SelfAssessment.history.filter(id=answer.pk).select_related("history_user", "answered_by")
    entries = history_entries(records.order_by("history_date", "history_id"), "")
    stamp = {str(SelfAssessment._meta.get_field(name).verbose_name) for name in ("answered_by", "answered_at")}
    for entry in entries:  # who and when have their own columns
        entry.changes = [change for change in entry.changes if change[0] not in stamp]
    context = {
        "answer": answer,
        "rec": catalogue.by_id().get(answer.recommendation),
        "entries": list(reversed(entries)),
    }
    return render(request, "compliance/self_assessment_history.html", context)


@management_only
def self_assessment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored evidence file, as an attachment with its sniffed type (audit-logged)."""
    answer = _answer(request, pk)
    if answer.evidence_file is None or not answer.evidence_file_name:
        raise Http404
    audit.log(
        answer,
        "compliance.self_assessment.file_downloaded",
        user=request.user,
        data={"file_name": answer.evidence_file_name, "sha256": answer.evidence_file_sha256},
    )
    response = HttpResponse(bytes(answer.evidence_file), content_type=answer.evidence_file_type)
    response["Content-Disposition"] = content_disposition_header(True, answer.evidence_file_name)
    return response
