from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from patients.api import PatientViewSet, StayViewSet

app_name = "api"

router = SimpleRouter()
router.register("stays", StayViewSet, basename="stay")
router.register("patients", PatientViewSet, basename="patient")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
