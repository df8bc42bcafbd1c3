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
EXPORTS = {}
CATALOGUE = {}
SELF_ASSESSMENT = {}

ACTIONS = {**CORE, **DASHBOARD, **EXPORTS, **CATALOGUE, **SELF_ASSESSMENT}
