"""Facility settings for the admin role. Patients, stays and consents are not in the admin on purpose:
they are reachable only through the care-team pages, which check object permissions and write the audit log."""

from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from patients.models import Facility


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "ik_number", "city")
    search_fields = ("name", "ik_number")
    # a clinic website typed without a scheme is https (Django 6's default, chosen explicitly)
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
