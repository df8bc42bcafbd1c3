from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "reintegration"
    verbose_name = _("Return to work")

    def ready(self) -> None:
        from reintegration.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
