"""Access helpers shared by every app: role checks and the stay lookup that answers 404 outside the care team."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from wmr import audit


def role_required(*roles: str):
    """Only these roles; everyone else gets 404 (a 403 would confirm that the page exists for someone)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def stay_or_404(user, stay_id):
    """The stay if ``user`` may see it (care team), else 404 — also for an id that is not a number."""
    from patients.selectors import stay_for_user

    try:
        stay = stay_for_user(user, int(stay_id))
    except (TypeError, ValueError):
        stay = None
    if stay is None:
        raise Http404
    return stay


def stay_view(action: str | None = "patients.stay.viewed"):
    """Load ``stay_id`` from the URL for a care-team member (else 404), pass it as ``stay``, log the read."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, stay_id: int, *args, **kwargs):
            stay = stay_or_404(request.user, stay_id)
            if action and request.method == "GET":
                audit.log(stay, action, user=request.user)
            return view(request, stay, *args, **kwargs)

        return wrapped

    return decorator
