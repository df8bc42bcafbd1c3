"""The WMR assignment workflow of a stay (mounted at /screening/stays/<stay_id>/assignment/)."""

from django.urls import path

from screening.views import assignment

urlpatterns = [
    path("need/", assignment.need_assessment_create, name="assignment-need"),
    path("motivation/", assignment.motivation_create, name="assignment-motivation"),
    path("contraindications/", assignment.contraindication_check_create, name="assignment-contraindications"),
    path("decision/", assignment.decision_create, name="assignment-decision"),
    path("code/", assignment.code_correction_create, name="assignment-code"),
]
