"""The interop app's audit action codes and their labels (registered in InteropConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "interop.fhir_bundle.exported": _("Stay exported as a FHIR bundle (API or command)"),
    "interop.fhir_bundle.downloaded": _("Stay downloaded as a FHIR bundle (JSON file)"),
}
