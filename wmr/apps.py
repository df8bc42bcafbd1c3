from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WmrConfig(AppConfig):
    name = "wmr"
    verbose_name = _("WMR case management")
