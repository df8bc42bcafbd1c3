"""Therapy pages: sessions and groups; workplace training; progress, my day and exports (one module each)."""

from therapy import urls_progress, urls_sessions, urls_training

app_name = "therapy"

urlpatterns = urls_sessions.urlpatterns + urls_training.urlpatterns + urls_progress.urlpatterns
