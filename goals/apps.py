from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goal agreement")

    def ready(self) -> None:
        from goals.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
