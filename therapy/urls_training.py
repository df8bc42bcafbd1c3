"""The workplace training of a stay (mounted at /therapy/; see therapy/urls.py)."""

from django.urls import path

from therapy.views import training

urlpatterns = [
    path("stays/<int:stay_id>/training/", training.training_detail, name="training"),
    path("stays/<int:stay_id>/training/start/", training.training_start, name="training-start"),
    path("stays/<int:stay_id>/training/change/", training.training_change, name="training-change"),
    path("stays/<int:stay_id>/training/subgoals/add/", training.subgoal_add, name="training-subgoal-add"),
    path(
        "stays/<int:stay_id>/training/subgoals/<int:subgoal_id>/assess/",
        training.subgoal_assess,
        name="training-subgoal-assess",
    ),
    path("stays/<int:stay_id>/training/situations/add/", training.situation_add, name="training-situation-add"),
    path("stays/<int:stay_id>/training/strategies/add/", training.strategy_add, name="training-strategy-add"),
    path(
        "stays/<int:stay_id>/training/strategies/<int:strategy_id>/change/",
        training.strategy_change,
        name="training-strategy-change",
    ),
    path("stays/<int:stay_id>/training/pdf/", training.strategies_pdf, name="training-pdf"),
]
