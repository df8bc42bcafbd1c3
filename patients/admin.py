"""Facility settings for the admin role. Patients, stays and consents are not in the admin on purpose:
they are reachable only through the care-team pages, which check object permissions and write the audit log."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from patients.models import Facility
from staff.models import Role


class FacilityAdminForm(forms.ModelForm):
    # issue 9: the roles that must use two-factor authentication, ticked from the list of roles
    two_factor_roles = forms.MultipleChoiceField(
        label=_("roles that must use two-factor authentication"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Staff of these roles confirm every login with a code from an authenticator app."),
    )

    class Meta:
        model = Facility
        fields = "__all__"  # noqa: DJ007 - the admin lays out every field; this form only changes one widget


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    form = FacilityAdminForm
    list_display = ("name", "short_name", "ik_number", "city")
    search_fields = ("name", "ik_number")
    # a clinic website typed without a scheme is https (Django 6's default, chosen explicitly)
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
