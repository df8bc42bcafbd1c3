"""Compliance pages: the dashboard and drill-down, exports, the catalogue, the self-assessment (one module each)."""

from compliance import urls_catalogue, urls_dashboard, urls_exports, urls_selfassessment

app_name = "compliance"

urlpatterns = (
    urls_dashboard.urlpatterns + urls_exports.urlpatterns + urls_catalogue.urlpatterns + urls_selfassessment.urlpatterns
)
