"""Staff accounts, managed by the admin role in Django's admin. Patient data is deliberately not registered here."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from staff.models import User
from staff.services_two_factor import two_factor_reset


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
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor authentication (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """The person's authenticator app and backup codes are removed; a role that must use two factors sets it
        up again at the next login, everyone else may."""
        people = list(queryset)
        for person in people:
            two_factor_reset(by=request.user, user=person)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication reset for %(count)d staff member.",
                "Two-factor authentication reset for %(count)d staff members.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser may hand out superuser status or single permissions; the admin role manages people,
        facilities and group membership, and cannot raise its own rights."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly
