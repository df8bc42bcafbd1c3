"""The profile comparison of a stay (rec 4.7, mini_icf_app.md §6–7): the page and the PDF it can store."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import documents
from diagnostics.selectors_comparison import stay_comparisons
from patients.errors import DomainError
from patients.views.common import stay_write
from staff.models import Role
from wmr.access import stay_view


def _may_write(user, stay) -> bool:
    return user.role == Role.CLINICIAN and user.has_perm("patients.change_stay", stay)


@stay_view("diagnostics.comparison.viewed")
def comparison_page(request: HttpRequest, stay) -> HttpResponse:
    language = (translation.get_language() or "de")[:2]
    context = documents.comparison_context(stay_comparisons(stay), language)
    context |= {
        "stay": stay,
        "may_write": _may_write(request.user, stay),
        "stored": documents.stay_comparison_documents(stay),
    }
    return render(request, "diagnostics/comparison.html", context)


@require_POST
@stay_write
def comparison_pdf(request: HttpRequest, stay) -> HttpResponse:
    try:
        documents.comparison_pdf_create(by=request.user, stay=stay)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("PDF of the comparison created; it is listed below."))
    return redirect("diagnostics:comparison", stay_id=stay.pk)
