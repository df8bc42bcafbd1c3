from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from patients.api import PatientViewSet, StayViewSet
from screening.api import QuotaReportList, StayAssignmentState, StayScreeningList

app_name = "api"

router = SimpleRouter()
router.register("stays", StayViewSet, basename="stay")
router.register("patients", PatientViewSet, basename="patient")

# Schema and docs are for logged-in staff only, like every other page of the clinic.
STAFF_ONLY = [IsAuthenticated]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=STAFF_ONLY), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=STAFF_ONLY), name="docs"),
    path("stays/<int:stay_pk>/screenings/", StayScreeningList.as_view(), name="stay-screenings"),
    path("stays/<int:stay_pk>/assignment/", StayAssignmentState.as_view(), name="stay-assignment"),
    path("quota-reports/", QuotaReportList.as_view(), name="quota-report-list"),
    path("", include("goals.api_urls")),
    path("", include("diagnostics.api_urls")),
    path("", include("therapy.api_urls")),
    path("", include("reintegration.api_urls")),
    path("", include("compliance.api")),
    path("", include(router.urls)),
]
