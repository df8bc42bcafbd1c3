"""Profile pages (P-1…P-4): create, the rating form, the detail with every earlier rating, the header change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from diagnostics.forms_profiles import ProfileChangeForm, ProfileCreateForm, RatingForm
from diagnostics.models import ProfileInstrument, ProfileKind
from diagnostics.selectors import profile_for_stay, summarize, version_history
from diagnostics.selectors_comparison import current_ratings
from diagnostics.services.instruments import InstrumentNotUsable, instrument_usable
from diagnostics.services.profiles import (
    ProfileRefused,
    RatingsRefused,
    profile_change,
    profile_create,
    rating_record,
)
from diagnostics.views.sessions import may_write
from patients.views.common import stay_write
from wmr import audit
from wmr.access import stay_view


def _language() -> str:
    return (translation.get_language() or "de")[:2]


def _profile_or_404(stay, profile_id: int):
    profile = profile_for_stay(stay, profile_id)
    if profile is None:
        raise Http404
    return profile


def _to_detail(profile) -> HttpResponse:
    return redirect("diagnostics:profile-detail", stay_id=profile.stay_id, profile_id=profile.pk)


def _header_error(form, exc) -> None:
    if isinstance(exc, ProfileRefused):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.message)


@stay_write
def profile_create_view(request: HttpRequest, stay) -> HttpResponse:
    kind = request.GET.get("kind") or request.POST.get("kind") or ProfileKind.CAPACITY
    if kind not in ProfileKind.values:
        raise Http404
    instruments = ProfileInstrument.objects.order_by("-is_official", "code", "-created_at")
    usable = [i.pk for i in instruments if instrument_usable(i)]
    form = ProfileCreateForm(
        request.POST or None, kind=kind, jobs=stay.job_descriptions.all(), instruments=instruments.filter(pk__in=usable)
    )
    if request.method == "POST" and form.is_valid():
        try:
            profile = profile_create(by=request.user, stay=stay, kind=kind, **form.header())
        except (ProfileRefused, InstrumentNotUsable, ValidationError) as exc:
            _header_error(form, exc)
        else:
            messages.success(request, _("Profile created; now rate the dimensions."))
            return redirect("diagnostics:profile-rate", stay_id=stay.pk, profile_id=profile.pk)
    context = {
        "stay": stay,
        "form": form,
        "kind": kind,
        "kind_label": ProfileKind(kind).label,
        "has_jobs": stay.job_descriptions.exists(),
    }
    return render(request, "diagnostics/profile_form.html", context)


@stay_view(None)
def profile_detail(request: HttpRequest, stay, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(stay, profile_id)
    audit.log(profile, "diagnostics.profile.viewed", user=request.user)
    context = {
        "stay": stay,
        "summary": summarize(profile),
        "versions": version_history(type(profile), stay, "").get(profile.pk, []),
        "may_write": may_write(request.user, stay),
    }
    return render(request, "diagnostics/profile_detail.html", context)


@stay_write
def profile_rate(request: HttpRequest, stay, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(stay, profile_id)
    summary = summarize(profile)
    form = RatingForm(
        request.POST or None,
        definition=summary.definition,
        kind=profile.kind,
        current=current_ratings(profile),
        user=request.user,
        language=_language(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rows = rating_record(
                by=request.user, profile=profile, ratings=form.entries(), profession=form.cleaned_data["profession"]
            )
        except RatingsRefused as exc:
            form.add_dimension_errors(exc.errors)
        else:
            if rows:
                messages.success(request, _("%(n)d rating(s) recorded.") % {"n": len(rows)})
            else:
                messages.info(request, _("Nothing changed: no rating was recorded."))
            return _to_detail(profile)
    return render(request, "diagnostics/profile_rate.html", {"stay": stay, "summary": summary, "form": form})


@stay_write
def profile_edit(request: HttpRequest, stay, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(stay, profile_id)
    initial = {
        "timepoint": profile.timepoint,
        "reference_context": profile.reference_context,
        "reference_job_title": profile.reference_job_title,
        "job_description": profile.job_description_id,
        "evidence_sources": profile.evidence_sources,
        "rated_on": profile.rated_on,
    }
    form = ProfileChangeForm(request.POST or None, kind=profile.kind, jobs=stay.job_descriptions.all(), initial=initial)
    if request.method == "POST" and form.is_valid():
        header = form.header()
        reason = header.pop("reason")
        try:
            profile_change(by=request.user, profile=profile, reason=reason, **header)
        except (ProfileRefused, ValidationError) as exc:
            _header_error(form, exc)
        else:
            messages.success(request, _("Profile changed; the earlier version stays visible."))
            return _to_detail(profile)
    context = {"stay": stay, "form": form, "summary": summarize(profile), "kind": profile.kind}
    return render(request, "diagnostics/profile_edit.html", context)
