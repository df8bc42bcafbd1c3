"""Django admin of the screening app: the contraindication list is data an admin maintains (A-4); instrument
versions and facility settings are shown read-only, because their writes are services with validation and audit
(the import page and the settings page)."""

from django.contrib import admin

from screening.models import Contraindication, InstrumentVersion, ScreeningSetting


@admin.register(Contraindication)
class ContraindicationAdmin(admin.ModelAdmin):
    list_display = ("code", "label_de", "label_en", "needs_text", "active", "position")
    list_editable = ("active", "position")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "variant", "is_official", "created_at")


@admin.register(ScreeningSetting)
class ScreeningSettingAdmin(ReadOnlyAdmin):
    list_display = ("facility", "department_code", "instrument", "preset_code", "effective_from")
