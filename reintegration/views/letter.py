"""Pages of the discharge letter (recommendations 8.6, 8.12, 8.17): the letter, drafting from the record, editing,
the preview PDF, signing, a correction as a new version, the patient's two copies and their handover, the versions.

Reads use ``stay_view`` (care team, audited), writes ``stay_write`` (the care team's clinicians). Signing and
correcting are the physician's: another team member is refused with a message (not a 404: the letter is theirs to
read). A refused step keeps the input and shows the service's message; a PDF that cannot be produced keeps the
draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patients.views.common import stay_write
from reintegration import forms_letter, selectors_letter
from reintegration.errors import LetterRefused
from reintegration.models import DischargeLetter
from reintegration.services import letter as services
from staff.models import Role
from wmr import locking
from wmr.access import stay_view
from wmr.locking import StaleEdit


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def to_letter(stay) -> HttpResponse:
    return redirect("reintegration:letter", stay_id=stay.pk)


def _state(stay):
    return selectors_letter.stay_letter_state(stay, timezone.localdate())


@require_GET
@stay_view("reintegration.letter.viewed")
def letter(request: HttpRequest, stay) -> HttpResponse:
    state = _state(stay)
    return render(
        request,
        "reintegration/letter_detail.html",
        {
            "stay": stay,
            "state": state,
            "may_write": _may_write(request, stay),
            "is_physician": services.is_physician(request.user),
            "sign_problems": services.sign_problems(state.draft.letter) if state.draft else [],
        },
    )


@require_GET
@stay_view("reintegration.letter.versions_viewed")
def versions(request: HttpRequest, stay) -> HttpResponse:
    return render(
        request,
        "reintegration/letter_versions.html",
        {"stay": stay, "state": _state(stay), "history": selectors_letter.stay_letter_history(stay)},
    )


def _call(request: HttpRequest, action, done: str) -> bool:
    """Run one service call of a one-click button; a refusal becomes the page's error message."""
    try:
        action()
    except LetterRefused as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


@require_POST
@stay_write
def draft(request: HttpRequest, stay) -> HttpResponse:
    if _call(
        request,
        lambda: services.letter_draft(by=request.user, stay=stay),
        _("The discharge letter was drafted from the record. Check and complete it."),
    ):
        return redirect("reintegration:letter-edit", stay_id=stay.pk)
    return to_letter(stay)


@stay_write
def edit(request: HttpRequest, stay) -> HttpResponse:
    current = _state(stay).draft
    if current is None:
        messages.info(request, _("There is no draft to edit. To correct a signed letter, start a new version."))
        return to_letter(stay)
    letter = current.letter
    form = forms_letter.LetterForm(request.POST or None, letter=letter, version=letter.lock_version)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_update(
                by=request.user, letter=letter, values=form.values(), lock_version=form.loaded_version
            )
        except StaleEdit as exc:  # someone saved the draft meanwhile: what they changed, and the new version
            locking.form_refused(form, exc)
            status = locking.STALE_STATUS
        except LetterRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft saved."))
            return to_letter(stay)
    context = {"stay": stay, "form": form, "letter": letter}
    return render(request, "reintegration/letter_form.html", context, status=status)


@require_GET
@stay_view(None)  # the service logs the preview of the version
def preview(request: HttpRequest, stay) -> HttpResponse:
    """The draft as PDF with today's record, not stored."""
    current = _state(stay).draft
    if current is None:
        messages.info(request, _("There is no draft to preview. The signed letter is stored as PDF."))
        return to_letter(stay)
    try:
        rendered = services.letter_preview(by=request.user, letter=current.letter)
    except LetterRefused as exc:
        messages.error(request, exc.message)
        return to_letter(stay)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=rendered.filename)
    add_never_cache_headers(response)
    return response


@require_POST
@stay_write
def sign(request: HttpRequest, stay) -> HttpResponse:
    current = _state(stay).draft
    if current is None:
        messages.info(request, _("There is no draft to sign."))
        return to_letter(stay)
    _call(
        request,
        lambda: services.letter_sign(by=request.user, letter=current.letter),
        _("The discharge letter is signed; its PDF is stored. Make the two copies for the patient."),
    )
    return to_letter(stay)


@require_POST
@stay_write
def revise(request: HttpRequest, stay) -> HttpResponse:
    signed = _state(stay).signed
    if signed is None:
        messages.info(request, _("There is no signed letter to correct."))
        return to_letter(stay)
    if _call(
        request,
        lambda: services.letter_revise(by=request.user, letter=signed.letter),
        _("A new version was started from the signed letter; the signed one stays valid until the new one is signed."),
    ):
        return redirect("reintegration:letter-edit", stay_id=stay.pk)
    return to_letter(stay)


def _letter_of(stay, letter_id: int) -> DischargeLetter:
    return get_object_or_404(
        DischargeLetter.objects.select_related("stay__patient", "stay__facility", "signed_by", "previous"),
        pk=letter_id,
        stay=stay,
    )


@require_POST
@stay_write
def copies(request: HttpRequest, stay, letter_id: int) -> HttpResponse:
    letter_ = _letter_of(stay, letter_id)
    _call(
        request,
        lambda: services.letter_copies_create(by=request.user, letter=letter_),
        _("Two copies for the patient to pass on were made. Print them and hand them over."),
    )
    return to_letter(stay)


@stay_write
def handed_over(request: HttpRequest, stay, letter_id: int) -> HttpResponse:
    letter_ = _letter_of(stay, letter_id)
    form = forms_letter.HandedOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_copies_handed_over(by=request.user, letter=letter_, on=form.cleaned_data["on"])
        except LetterRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Handover of the copies recorded."))
            return to_letter(stay)
    return render(
        request,
        "reintegration/letter_handed_over.html",
        {"stay": stay, "form": form, "letter": letter_},
    )
