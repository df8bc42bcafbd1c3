from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Work-related diagnostics")

    def ready(self) -> None:
        from diagnostics.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
