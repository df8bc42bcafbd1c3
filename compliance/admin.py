"""The traffic-light thresholds per facility, for the admin role (like the facility settings). Everything else of
compliance is derived (indicator results) or written through its own pages (the self-assessment)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from compliance.models import ComplianceSettings


@admin.register(ComplianceSettings)
class ComplianceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("facility", "shall_red_below", "should_amber_below", "may_amber_below")
    fields = ("facility", "shall_red_below", "should_amber_below", "may_amber_below")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
