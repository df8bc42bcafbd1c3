"""Pages of the graded return-to-work plan (Hamburg model), mounted at /reintegration/ (see reintegration/urls.py)."""

from django.urls import path

from reintegration.views import plan as views

P = "stays/<int:stay_id>/graded-return/"

urlpatterns = [
    path(P, views.plan_detail, name="plan"),
    path(f"{P}versions/", views.plan_versions, name="plan-versions"),
    path(f"{P}create/", views.plan_create, name="plan-create"),
    path(f"{P}edit/", views.plan_edit, name="plan-edit"),
    path(f"{P}counseling/", views.counseling, name="plan-counseling"),
    path(f"{P}steps/add/", views.step_add, name="plan-step-add"),
    path(f"{P}steps/<int:step_id>/edit/", views.step_edit, name="plan-step-edit"),
    path(f"{P}steps/<int:step_id>/remove/", views.step_remove, name="plan-step-remove"),
    path(f"{P}vacations/add/", views.vacation_add, name="plan-vacation-add"),
    path(f"{P}vacations/<int:vacation_id>/remove/", views.vacation_remove, name="plan-vacation-remove"),
    path(f"{P}prerequisites/", views.prerequisites, name="plan-prerequisites"),
    path(f"{P}consents/add/", views.consent_add, name="plan-consent"),
    path(f"{P}ready/", views.mark_ready, name="plan-ready"),
    path(f"{P}submit/", views.submit, name="plan-submit"),
    path(f"{P}approve/", views.approve, name="plan-approve"),
    path(f"{P}start/", views.start, name="plan-start"),
    path(f"{P}interruptions/add/", views.interruption_add, name="plan-interruption-add"),
    path(
        f"{P}interruptions/<int:interruption_id>/close/",
        views.interruption_close,
        name="plan-interruption-close",
    ),
    path(
        f"{P}interruptions/<int:interruption_id>/continue/",
        views.payer_continue,
        name="plan-payer-continue",
    ),
    path(f"{P}complete/", views.complete, name="plan-complete"),
    path(f"{P}abort/", views.abort, name="plan-abort"),
    path(f"{P}new-version/", views.new_version, name="plan-new-version"),
    path(f"{P}tasks/<int:task_id>/done/", views.task_done, name="plan-task-done"),
    path(f"{P}pdf/", views.plan_pdf, name="plan-pdf"),
    path(f"{P}pdf/employer/", views.employer_pdf, name="plan-pdf-employer"),
]
