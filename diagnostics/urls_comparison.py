"""urls_comparison (see diagnostics/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
