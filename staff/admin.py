"""Staff accounts, managed by the admin role in Django's admin. Patient data is deliberately not registered here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from staff.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "profession", "role", "is_active")
    list_filter = ("role", "profession", "is_active", "facilities")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Clinic"), {"fields": ("title", "profession", "role", "facilities")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Clinic"), {"fields": ("first_name", "last_name", "title", "profession", "role", "facilities")}),
    )
    filter_horizontal = ("facilities", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser may hand out superuser status or single permissions; the admin role manages people,
        facilities and group membership, and cannot raise its own rights."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly
