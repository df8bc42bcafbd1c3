"""api_sessions (see therapy/urls.py / api_urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
