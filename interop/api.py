"""REST API of the FHIR export: ``GET stays/<id>/fhir/`` answers the stay's Bundle as ``application/fhir+json`` for
its care team (404 for everyone else, as the UI), one audit row per export."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from interop import fhir, selectors
from interop.views import FHIR_JSON, bundle_response
from wmr import audit
from wmr.access import stay_or_404


class FhirJSONRenderer(JSONRenderer):
    """Lets a client ask for ``Accept: application/fhir+json`` (errors come as JSON in that type too)."""

    media_type = FHIR_JSON
    format = "fhir"


@extend_schema(
    summary=_("The stay as a FHIR R4 Bundle (Patient, EpisodeOfCare, questionnaires, goals, care plan, consents)"),
    responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("FHIR Bundle of type collection"))},
)
class StayFhirBundle(generics.GenericAPIView):
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    def get(self, request: Request, stay_pk) -> HttpResponse:
        stay = stay_or_404(request.user, stay_pk)
        bundle = selectors.stay_bundle(stay)
        audit.log(stay, "interop.fhir_bundle.exported", user=request.user, data=fhir.resource_counts(bundle))
        return bundle_response(bundle)
