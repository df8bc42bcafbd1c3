"""The return-to-work checklists of a stay: the groups that apply and why, a form per item, each item's history; the
items whose group no longer applies greyed out. Reads use ``stay_view`` (audited), the record form ``stay_write``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patients.views.common import stay_write
from reintegration import checklists
from reintegration.errors import ChecklistRefused
from reintegration.forms_rtw import ChecklistEntryForm
from reintegration.selectors_checklists import stay_checklists_state
from reintegration.services.checklists import checklist_record
from staff.models import Role
from wmr.access import stay_view


def _may_write(request: HttpRequest, stay) -> bool:
    return request.user.role == Role.CLINICIAN and request.user.has_perm("patients.change_stay", stay)


def _action(stay, key: str) -> str:
    return reverse("reintegration:checklist-record", args=[stay.pk, key])


@require_GET
@stay_view("reintegration.checklist.viewed")
def checklist_page(request: HttpRequest, stay) -> HttpResponse:
    state = stay_checklists_state(stay, timezone.localdate())
    may_write = _may_write(request, stay)
    if may_write:
        for item in state.items:
            item.form = ChecklistEntryForm(prefix=item.item.key, action=_action(stay, item.item.key))
    return render(
        request,
        "reintegration/checklists.html",
        {"stay": stay, "s": state, "may_write": may_write},
    )


@stay_write
def record(request: HttpRequest, stay, item: str) -> HttpResponse:
    """One item's form (the page shows it inline; this page shows it again with a message when refused)."""
    catalogue_item = checklists.ITEMS_BY_KEY.get(item)
    if catalogue_item is None:
        raise Http404
    form = ChecklistEntryForm(request.POST or None, prefix=item, action=_action(stay, item))
    if request.method == "POST" and form.is_valid():
        try:
            checklist_record(by=request.user, stay=stay, item=item, **form.cleaned_data)
        except ChecklistRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Checklist item recorded."))
            response = redirect("reintegration:checklists", stay_id=stay.pk)
            response["Location"] += f"#item-{item}"
            return response
    return render(request, "reintegration/checklist_form.html", {"stay": stay, "form": form, "item": catalogue_item})
