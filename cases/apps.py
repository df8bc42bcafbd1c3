from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cases import overview_cache
        from wmr import audit

        # The case overview's and the worklist's cached content is rebuilt after every committed write to what they
        # show. Receivers per model of the watched apps only: a receiver for every model would cost Django's fast
        # delete (a queryset delete without listeners is one DELETE, with listeners row by row) everywhere else.
        audit.on_stay_write(overview_cache.on_stay_write)
        for model in apps.get_models(include_auto_created=True):
            if overview_cache.watched(model):
                uid = model._meta.label_lower
                post_save.connect(overview_cache.on_model_change, sender=model, dispatch_uid=f"cases.cache.save.{uid}")
                post_delete.connect(overview_cache.on_model_change, sender=model, dispatch_uid=f"cases.cache.del.{uid}")
        m2m_changed.connect(overview_cache.on_m2m_change, dispatch_uid="cases.overview_cache.m2m")
