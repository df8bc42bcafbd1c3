from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = _("Disclosure to external parties")

    def ready(self) -> None:
        from disclosure.audit_actions import ACTIONS
        from disclosure.views import patient_plan
        from patients.models import LinkPurpose
        from patients.views.links import LANDING_PAGES
        from wmr import audit

        audit.register_actions(ACTIONS)
        # The patient's plan link shows the read-only plan page of this app (patients never imports disclosure).
        LANDING_PAGES[LinkPurpose.PATIENT_PLAN] = patient_plan
