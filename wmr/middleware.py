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
