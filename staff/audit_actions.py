"""Audit action codes of two-factor authentication (issue 9) and their labels for the audit viewer."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "staff.two_factor.enrolled": _("Two-factor authentication set up"),
    "staff.two_factor.verified": _("Login confirmed with a second factor"),
    "staff.two_factor.failed": _("Wrong two-factor code"),
    "staff.two_factor.backup_codes_regenerated": _("New two-factor backup codes created"),
    "staff.two_factor.removed": _("Two-factor authentication turned off"),
    "staff.two_factor.reset": _("Two-factor devices reset by the administrator"),
}
