"""Project-wide views: home redirect, health check, error pages."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from staff.models import Role

logger = logging.getLogger("wmr.database")

# What a lost or refused database connection raises (Django wraps the driver's errors in these): connection refused,
# server closed the connection, backend terminated, "database is locked" on SQLite.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client should wait before trying again (Retry-After); a database restart or failover takes about that long.
DATABASE_RETRY_AFTER = 30


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.role == Role.PRIVACY_OFFICER:
        return redirect("audit:list")
    return redirect("cases:worklist")


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return False, exc.__class__.__name__


def _broker_ok() -> tuple[bool, str]:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager"
    from wmr.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "redis"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status as JSON; 503 when either is down."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    ok = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if ok else "error",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if ok else 503,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # handler500 runs inside Django's ``except`` block: a database error raised in a middleware lands here
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request, exception)
    return _framing_denied(render(request, "500.html", status=500))


def _framing_denied(response: HttpResponse) -> HttpResponse:
    """Error pages answered on behalf of a middleware miss the headers of the middlewares inside it; clickjacking's
    X-Frame-Options is one of those (the outer Security, CSP and Permissions-Policy middlewares still add theirs)."""
    from django.conf import settings

    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The answer to a request whose database connection failed: 503 with Retry-After, the friendly page in the
    user's language (JSON under /api/), no stack trace. Logged here once, in one line.

    Nothing here may touch the database again: the page is rendered without the request's context processors
    (``request.user`` would load the session) and the language comes from the cookie alone."""
    from wmr.middleware import clinic_language

    # Once per request: after a failure in a middleware, the session middleware's save on the way out (the idle
    # timeout saves every request) fails too and arrives here a second time.
    if not getattr(request, "_database_unavailable_logged", False):
        request._database_unavailable_logged = True
        logger.error(
            "database unavailable during %s %s: %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
    with translation.override(clinic_language(request)):
        message = _("The database is not reachable at the moment. Please try again in a minute.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
        else:
            content = render_to_string("503.html", {"retry_after": DATABASE_RETRY_AFTER, "message": message})
            response = HttpResponse(content, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    # Django's request logger would log the 503 a second time (with the whole traceback on the handler500 path)
    response._has_been_logged = True  # noqa: SLF001 - the flag django.utils.log.log_response checks
    return _framing_denied(response)
