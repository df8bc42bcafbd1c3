"""API paths of disclosure, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from django.urls import path

from disclosure.api import StayDisclosures

urlpatterns = [
    path("stays/<int:stay_pk>/disclosures/", StayDisclosures.as_view(), name="stay-disclosures"),
]
