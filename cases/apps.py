from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cases import overview_cache
        from wmr import audit

        # the case overview's cached content is rebuilt after every committed write to what it shows
        audit.on_stay_write(overview_cache.on_stay_write)
        post_save.connect(overview_cache.on_model_change, dispatch_uid="cases.overview_cache.save")
        post_delete.connect(overview_cache.on_model_change, dispatch_uid="cases.overview_cache.delete")
        m2m_changed.connect(overview_cache.on_m2m_change, dispatch_uid="cases.overview_cache.m2m")
