"""The sick-leave history, its triggers and the work situation of a stay (mounted at /reintegration/)."""

from django.urls import path

from reintegration.views import sickleave

urlpatterns = [
    path("stays/<int:stay_id>/sick-leave/", sickleave.sick_leave, name="sick-leave"),
    path("stays/<int:stay_id>/sick-leave/add/", sickleave.period_add, name="sick-leave-add"),
    path(
        "stays/<int:stay_id>/sick-leave/<int:period_id>/correct/",
        sickleave.period_correct,
        name="sick-leave-correct",
    ),
    path(
        "stays/<int:stay_id>/sick-leave/<int:period_id>/remove/",
        sickleave.period_remove,
        name="sick-leave-remove",
    ),
    path("stays/<int:stay_id>/sick-leave/examine/", sickleave.trigger_examine, name="trigger-examine"),
    path("stays/<int:stay_id>/work-situation/", sickleave.work_situation, name="work-situation"),
]
