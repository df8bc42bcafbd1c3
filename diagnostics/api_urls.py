"""API paths of diagnostics, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from diagnostics import api_comparison, api_conference, api_profiles

urlpatterns = api_profiles.urlpatterns + api_comparison.urlpatterns + api_conference.urlpatterns
