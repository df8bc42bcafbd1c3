from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
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


class ApiDocsView(SpectacularSwaggerSplitView):
    """The Swagger UI under the app's strict Content-Security-Policy, without relaxing it for this page.

    drf-spectacular's plain SpectacularSwaggerView writes its start script inline, which would need 'unsafe-inline'
    (or a nonce) on this page. The split view serves that script as a second response of the same URL
    (``?script=``, same permission), so script-src 'self' suffices; the template drops the inline <style> too. The
    Swagger UI files themselves come from drf-spectacular-sidecar (static, 'self'), never from a CDN."""

    template_name = "wmr/api_docs.html"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=STAFF_ONLY), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema", permission_classes=STAFF_ONLY), name="docs"),
    path("stays/<int:stay_pk>/screenings/", StayScreeningList.as_view(), name="stay-screenings"),
    path("stays/<int:stay_pk>/assignment/", StayAssignmentState.as_view(), name="stay-assignment"),
    path("quota-reports/", QuotaReportList.as_view(), name="quota-report-list"),
    path("", include("goals.api_urls")),
    path("", include("diagnostics.api_urls")),
    path("", include("therapy.api_urls")),
    path("", include("reintegration.api_urls")),
    path("", include("compliance.api")),
    path("", include("disclosure.api_urls")),
    path("", include("integrity.api_urls")),
    path("", include("reminders.api_urls")),
    path("", include("interop.api_urls")),
    path("", include(router.urls)),
]
