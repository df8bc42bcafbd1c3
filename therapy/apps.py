from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TherapyConfig(AppConfig):
    name = "therapy"
    verbose_name = _("Counseling, groups and workplace training")

    def ready(self) -> None:
        from therapy.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
