from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("stays/<int:stay_id>/", views.agreement, name="agreement"),
    path("stays/<int:stay_id>/versions/", views.versions, name="versions"),
    path("stays/<int:stay_id>/start/", views.start, name="start"),
    path("stays/<int:stay_id>/goals/add/", views.goal_add, name="goal-add"),
    path("stays/<int:stay_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path("stays/<int:stay_id>/goals/<int:goal_id>/remove/", views.goal_remove, name="goal-remove"),
    path("stays/<int:stay_id>/agree/", views.agree, name="agree"),
    path("stays/<int:stay_id>/revise/", views.revise, name="revise"),
    path("stays/<int:stay_id>/review/", views.review, name="review"),
    path("stays/<int:stay_id>/versions/<int:agreement_id>/copy/", views.copy_create, name="copy-create"),
    path("stays/<int:stay_id>/versions/<int:agreement_id>/handed-over/", views.handed_over, name="handed-over"),
]
