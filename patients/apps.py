from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients and stays")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from patients import list_cache, selectors

        list_cache.connect()  # the cached lists of a reader's stays are rebuilt after writes to what they show
        # a migrate or a flush (tests) may create the permission rows anew, with new ids
        post_migrate.connect(selectors.forget_permission_ids, dispatch_uid="patients.forget_permission_ids")
