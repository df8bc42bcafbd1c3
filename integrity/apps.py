from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrity"
    verbose_name = _("Record integrity")

    def ready(self) -> None:
        from integrity.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
