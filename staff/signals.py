"""Login, logout and failed logins go into the audit log.

STYLE.md keeps domain logic out of signals; Django's auth signals are the documented hook for login events (the
login view is Django's own), so each receiver is one call to ``audit.log`` and nothing else. The request (address,
path) reaches the audit row through ``wmr.middleware.AuditContextMiddleware``.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wmr import audit


@receiver(user_logged_in, dispatch_uid="staff.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    audit.log(user, "staff.login.succeeded", user=user)


@receiver(user_logged_out, dispatch_uid="staff.audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    audit.log(user, "staff.logout", user=user)


@receiver(user_login_failed, dispatch_uid="staff.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; only the user name that was tried is kept.
    audit.log(None, "staff.login.failed", data={"username": str(credentials.get("username", ""))[:150]})


@receiver(user_locked_out, dispatch_uid="staff.audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit.log(None, "staff.login.locked_out", data={"username": str(username or "")[:150]})
