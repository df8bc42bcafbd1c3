"""External contacts of a stay, and contacting them (only with the matching consent)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients import services
from patients.errors import ConsentMissing
from patients.forms import ContactEventForm, ExternalContactForm
from patients.models import ExternalContact
from patients.views.common import stay_write, to_overview


@stay_write
def contact_create(request: HttpRequest, stay) -> HttpResponse:
    form = ExternalContactForm(request.POST or None, instance=ExternalContact(stay=stay))
    if request.method == "POST" and form.is_valid():
        services.contact_save(by=request.user, contact=form.instance)
        messages.success(request, _("Contact saved."))
        return to_overview(stay, "contacts")
    return render(request, "patients/contact_form.html", {"stay": stay, "form": form})


@stay_write
def contact_edit(request: HttpRequest, stay, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(stay.contacts, pk=contact_id)
    form = ExternalContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.contact_save(by=request.user, contact=form.instance)
        messages.success(request, _("Contact saved."))
        return to_overview(stay, "contacts")
    return render(request, "patients/contact_form.html", {"stay": stay, "form": form, "contact": contact})


@require_POST
@stay_write
def contact_delete(request: HttpRequest, stay, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(stay.contacts, pk=contact_id)
    if contact.events.exists():
        messages.error(request, _("A contact that has been contacted stays on record and cannot be deleted."))
    else:
        services.contact_delete(by=request.user, contact=contact)
        messages.success(request, _("Contact deleted."))
    return to_overview(stay, "contacts")


@stay_write
def contact_event_create(request: HttpRequest, stay, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(stay.contacts.select_related("stay"), pk=contact_id)
    form = ContactEventForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_event_record(by=request.user, contact=contact, **form.cleaned_data)
        except ConsentMissing as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contact recorded."))
            return to_overview(stay, "contacts")
    return render(request, "patients/contact_event_form.html", {"stay": stay, "contact": contact, "form": form})
