from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
