"""Makes the current request known to the audit log, so services log user and address without a request argument."""

from __future__ import annotations

from wmr import audit


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.bind_request(request)
        try:
            return self.get_response(request)
        finally:
            audit.unbind_request(token)


def clinic_language(request) -> str:
    """The language of a request: the one chosen with the language switch (Django's language cookie), else the
    clinic's (LANGUAGE_CODE)."""
    from django.conf import settings

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ClinicLanguageMiddleware:
    """German first: the clinic's language (LANGUAGE_CODE) unless the user chose another with the language switch
    (Django's language cookie). The browser's Accept-Language is ignored on purpose: a clinic PC with an English
    operating system must still show the clinic's German UI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        language = clinic_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Sends ``settings.PERMISSIONS_POLICY`` (browser features such as camera, microphone and geolocation switched
    off) on every response; Django's SecurityMiddleware has no setting for this header."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class DatabaseUnavailableMiddleware:
    """Issue 9: a lost database connection during a request answers a friendly 503 page (JSON under /api/), never a
    500 with a stack trace.

    Two paths reach the same response (``wmr.views.database_unavailable``):
    - an exception raised by a view (or while rendering its template response) arrives here in ``process_exception``;
    - an exception raised inside a middleware (session loading when ``request.user`` is first read, the two-factor
      check, …) never reaches ``process_exception``: Django turns it into a response at that middleware by calling
      ``handler500`` inside the ``except`` block, so ``wmr.views.server_error`` looks at ``sys.exc_info()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from wmr.views import DATABASE_ERRORS, database_unavailable

        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None
