"""Record and withdraw consents. A withdrawal keeps the consent and its history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from patients import services
from patients.forms import ConsentForm, ConsentWithdrawForm
from patients.models import Consent
from patients.views.common import stay_write, to_overview


@stay_write
def consent_create(request: HttpRequest, stay) -> HttpResponse:
    form = ConsentForm(request.POST or None, instance=Consent(stay=stay))
    if request.method == "POST" and form.is_valid():
        services.consent_give(
            by=request.user,
            stay=stay,
            kind=form.cleaned_data["kind"],
            given_on=form.cleaned_data["given_on"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Consent recorded."))
        return to_overview(stay, "consents")
    return render(request, "patients/consent_form.html", {"stay": stay, "form": form})


@stay_write
def consent_withdraw(request: HttpRequest, stay, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(stay.consents, pk=consent_id, withdrawn_on__isnull=True)
    form = ConsentWithdrawForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(by=request.user, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"])
        messages.success(request, _("Withdrawal recorded."))
        return to_overview(stay, "consents")
    return render(request, "patients/consent_withdraw.html", {"stay": stay, "consent": consent, "form": form})
