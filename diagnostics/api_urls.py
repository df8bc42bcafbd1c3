"""API paths of this app, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
