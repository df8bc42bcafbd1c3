"""API paths of this app, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from django.urls import path

from goals.api import StayGoals

urlpatterns = [
    path("stays/<int:stay_pk>/goals/", StayGoals.as_view(), name="stay-goals"),
]
