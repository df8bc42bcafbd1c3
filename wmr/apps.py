from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WmrConfig(AppConfig):
    name = "wmr"
    verbose_name = _("WMR case management")

    def ready(self) -> None:
        from wmr import stay_versions

        # caches of a stay's pages (case overview, its sessions list) are rebuilt after every write to the stay
        stay_versions.connect()
