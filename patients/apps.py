from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients and stays")

    def ready(self) -> None:
        from patients import list_cache

        list_cache.connect()  # the cached lists of a reader's stays are rebuilt after writes to what they show
