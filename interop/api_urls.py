"""API paths of interop, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from django.urls import path

from interop.api import StayFhirBundle

urlpatterns = [
    path("stays/<int:stay_pk>/fhir/", StayFhirBundle.as_view(), name="stay-fhir"),
]
