"""Pages of the interop app: the stay's FHIR bundle as a JSON file for the care team (404 for everyone else)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from interop import fhir, selectors
from wmr import audit
from wmr.access import stay_view

FHIR_JSON = "application/fhir+json"


def bundle_response(bundle, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(bundle.model_dump_json(), content_type=f"{FHIR_JSON}; charset=utf-8")
    if filename:
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    add_never_cache_headers(response)
    return response


@stay_view(action=None)  # the read is logged below, as a download with the resource counts
def stay_fhir_download(request: HttpRequest, stay) -> HttpResponse:
    bundle = selectors.stay_bundle(stay)
    audit.log(stay, "interop.fhir_bundle.downloaded", user=request.user, data=fhir.resource_counts(bundle))
    return bundle_response(bundle, filename=f"{stay.number}-fhir.json")
