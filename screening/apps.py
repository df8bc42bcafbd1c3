from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening and WMR assignment")

    def ready(self) -> None:
        # The patient's pre-admission link shows the screening questionnaire before the contacts (issue 4).
        from patients.models import LinkPurpose
        from patients.views.links import LANDING_PAGES
        from screening.views.link import pre_admission

        LANDING_PAGES[LinkPurpose.PRE_ADMISSION] = pre_admission
