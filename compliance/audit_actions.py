"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready).

One dict per part, each owned by the module that logs its codes; ``ACTIONS`` joins them."""

from django.utils.translation import gettext_lazy as _

CORE = {
    "compliance.indicators.refreshed": _("Indicator results of a stay recomputed"),
}
DASHBOARD = {
    "compliance.dashboard.viewed": _("Compliance dashboard read"),
    "compliance.drilldown.viewed": _("Stays missing an indicator read (drill-down)"),
}
EXPORTS = {
    "compliance.export.csv": _("Compliance dashboard exported as CSV"),
    "compliance.export.xlsx": _("Compliance dashboard exported as XLSX"),
    "compliance.export.pdf": _("Compliance dashboard exported as PDF"),
    "compliance.export.stays_csv": _("Indicator results per stay exported as CSV (pseudonymised)"),
    "compliance.api.facility_viewed": _("Compliance aggregates of a facility read through the API"),
    "compliance.api.stay_viewed": _("Indicator results of a stay read through the API"),
}
CATALOGUE = {}
SELF_ASSESSMENT = {
    "compliance.self_assessment.saved": _("Facility self-assessment answer saved"),
    "compliance.self_assessment.copied": _("Facility self-assessment answer copied from an earlier year"),
    "compliance.self_assessment.file_downloaded": _("Evidence file of a facility self-assessment answer downloaded"),
}

ACTIONS = {**CORE, **DASHBOARD, **EXPORTS, **CATALOGUE, **SELF_ASSESSMENT}
