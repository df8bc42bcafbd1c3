"""The staff member's own account: two-factor enrolment, verification and backup codes."""

from django.urls import path  # noqa: F401

app_name = "account"

urlpatterns: list = []
