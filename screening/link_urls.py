"""Public routes of the screening questionnaire on the patient link (included at /p/ next to patients' routes)."""

from django.urls import path

from screening.views import link

app_name = "screening_link"

urlpatterns = [
    # autosave of one screening answer (htmx); the token path is redacted in every log
    path("<str:token>/answer/", link.answer, name="answer"),
]
