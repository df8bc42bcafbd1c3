"""Public pages the patient opens from the invitation letter: no login, one-time token."""

from django.urls import path

from patients.views import links

app_name = "patient_link"

urlpatterns = [
    path("", links.link_entry, name="entry"),
    path("<str:token>/", links.link_landing, name="landing"),
]
