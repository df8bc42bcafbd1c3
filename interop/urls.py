"""Pages of the interop app (issue 11)."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("stays/<int:stay_id>/fhir.json", views.stay_fhir_download, name="stay-fhir-download"),
]
