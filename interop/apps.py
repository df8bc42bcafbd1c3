from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
    verbose_name = _("FHIR export")

    def ready(self) -> None:
        from interop.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
