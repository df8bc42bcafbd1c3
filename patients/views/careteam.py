"""Manage a stay's care team: adding grants the object permissions, removing revokes them at once."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients import selectors, services
from patients.errors import DuplicateMembership
from patients.forms import CareTeamAddForm
from patients.views.common import stay_write, to_overview


@stay_write
def careteam_manage(request: HttpRequest, stay) -> HttpResponse:
    form = CareTeamAddForm(request.POST or None, stay=stay)
    if request.method == "POST" and form.is_valid():
        try:
            services.careteam_add(
                by=request.user, stay=stay, user=form.cleaned_data["user"], function=form.cleaned_data["function"]
            )
        except DuplicateMembership as exc:
            form.add_error("user", exc.message)
        else:
            messages.success(request, _("%(name)s is now on the care team.") % {"name": form.cleaned_data["user"]})
            return to_overview(stay, "team")
    return render(
        request, "patients/careteam_manage.html", {"stay": stay, "form": form, "team": selectors.stay_care_team(stay)}
    )


@require_POST
@stay_write
def careteam_remove(request: HttpRequest, stay, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(stay.care_team.select_related("user"), pk=membership_id)
    if stay.care_team.count() == 1:
        messages.error(request, _("The last member cannot leave the care team; add a successor first."))
        return to_overview(stay, "team")
    name = membership.user.display_name
    services.careteam_remove(by=request.user, membership=membership)
    messages.success(request, _("%(name)s has been removed from the care team.") % {"name": name})
    if membership.user_id == request.user.pk:
        from django.shortcuts import redirect

        return redirect("cases:worklist")
    return to_overview(stay, "team")
