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


class ClinicLanguageMiddleware:
    """German first: the clinic's language (LANGUAGE_CODE) unless the user chose another with the language switch
    (Django's language cookie). The browser's Accept-Language is ignored on purpose: a clinic PC with an English
    operating system must still show the clinic's German UI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """Issue 9: a lost database connection during a request answers a friendly 503 page (stub: filled by the
    reliability part)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
