"""The integrity app's audit action codes and their labels (registered in IntegrityConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "integrity.chain.verified": _("Record integrity verified: hash chains intact"),
    "integrity.chain.broken": _("Record integrity check failed: a hash chain is broken"),
    "integrity.status.viewed": _("Record integrity status read"),
}
