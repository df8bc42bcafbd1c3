"""API paths of therapy, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from therapy import api_sessions

urlpatterns = api_sessions.urlpatterns
