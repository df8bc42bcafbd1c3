"""The catalogue of the recommendations (mounted at /compliance/catalogue/)."""

from django.urls import path

from compliance.views import catalogue

urlpatterns = [
    path("catalogue/", catalogue.catalogue_list, name="catalogue"),
    path("catalogue/<str:rec_id>/", catalogue.recommendation_detail, name="recommendation"),
]
