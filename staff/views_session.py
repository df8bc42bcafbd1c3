"""The staff member's session as small JSON: who is logged in and how many seconds are left before the idle
timeout ends the session (``SESSION_IDLE_MINUTES``), so a page can warn before it happens.

It is also the benchmark's trivial authenticated view (bench/): the pages' costs are stated as ratios to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@login_required
@require_GET
def session_state(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"user": request.user.get_username(), "session_expires_in": request.session.get_expiry_age()},
        headers={"Cache-Control": "no-store"},
    )
