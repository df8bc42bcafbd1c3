"""The privacy officer's pages: access report, audit trail and data export of one patient."""

from django.urls import path  # noqa: F401

app_name = "privacy"

urlpatterns: list = []
