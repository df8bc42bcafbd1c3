"""Screening results of a stay (mounted at /screening/stays/<stay_id>/results/)."""

from django.urls import path

from screening.views import entry

urlpatterns = [
    path("", entry.result_list, name="result-list"),
    path("new/", entry.result_create, name="result-create"),
    path("not-possible/", entry.result_not_possible, name="result-not-possible"),
    path("<int:result_id>/correct/", entry.result_correct, name="result-correct"),
]
