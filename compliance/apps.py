from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance.audit_actions import ACTIONS
        from compliance.services import queue_stay_refresh
        from wmr import audit

        audit.register_actions(ACTIONS)
        # every write to a stay recomputes its indicator results after commit (compliance/services.py)
        audit.on_stay_write(queue_stay_refresh)
