"""The facility self-assessment (mounted at /compliance/self-assessment/)."""

from django.urls import path

from compliance.views import selfassessment

urlpatterns = [
    path("self-assessment/", selfassessment.self_assessment_overview, name="self-assessment"),
    path("self-assessment/copy/", selfassessment.self_assessment_copy, name="self-assessment-copy"),
    path(
        "self-assessment/<int:facility_id>/<int:year>/<str:rec_id>/",
        selfassessment.self_assessment_edit,
        name="self-assessment-edit",
    ),
    path(
        "self-assessment/answer/<int:pk>/history/",
        selfassessment.self_assessment_history,
        name="self-assessment-history",
    ),
    path("self-assessment/answer/<int:pk>/file/", selfassessment.self_assessment_file, name="self-assessment-file"),
]
