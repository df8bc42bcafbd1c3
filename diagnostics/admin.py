"""Django admin of the diagnostics app: the therapy catalogue is data the admin role maintains (rec 4.10: the team
conference plans from it). Items are switched off ("offered" unticked) rather than deleted once a planned therapy
uses them (the foreign key protects them)."""

from django.contrib import admin

from diagnostics.models import TherapyCatalogueItem


@admin.register(TherapyCatalogueItem)
class TherapyCatalogueItemAdmin(admin.ModelAdmin):
    list_display = ("name_de", "name_en", "kind", "facility", "code", "active")
    list_filter = ("kind", "active", "facility")
    list_editable = ("active",)
    search_fields = ("name_de", "name_en", "code")
