"""Diagnostics pages: sessions, job descriptions and profiles; the comparison; team conferences (one module each)."""

from diagnostics import urls_comparison, urls_conference, urls_profiles

app_name = "diagnostics"

urlpatterns = urls_profiles.urlpatterns + urls_comparison.urlpatterns + urls_conference.urlpatterns
