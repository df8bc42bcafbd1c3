"""The profile comparison of a stay and its PDF (mounted under /diagnostics/, see diagnostics/urls.py)."""

from django.urls import path

from diagnostics.views import comparison

urlpatterns = [
    path("stays/<int:stay_id>/comparison/", comparison.comparison_page, name="comparison"),
    path("stays/<int:stay_id>/comparison/pdf/", comparison.comparison_pdf, name="comparison-pdf"),
]
