"""API paths of disclosure, included into wmr.api_urls under the "api" namespace (no app_name here)."""

urlpatterns: list = []
