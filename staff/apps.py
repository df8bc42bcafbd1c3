from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from staff import signals  # noqa: F401 - connects the audit receivers of login and logout
        from staff.audit_actions import ACTIONS
        from wmr import audit

        audit.register_actions(ACTIONS)
