"""Pages of the return-to-work plan and the checklists (mounted at /reintegration/; see reintegration/urls.py)."""

from django.urls import path

from reintegration.views import checklists, rtw

urlpatterns = [
    path("stays/<int:stay_id>/rtw/", rtw.plan, name="rtw"),
    path("stays/<int:stay_id>/rtw/versions/", rtw.versions, name="rtw-versions"),
    path("stays/<int:stay_id>/rtw/start/", rtw.start, name="rtw-start"),
    path("stays/<int:stay_id>/rtw/edit/", rtw.edit, name="rtw-edit"),
    path("stays/<int:stay_id>/rtw/steps/add/", rtw.step_add, name="rtw-step-add"),
    path("stays/<int:stay_id>/rtw/steps/<int:step_id>/edit/", rtw.step_edit, name="rtw-step-edit"),
    path("stays/<int:stay_id>/rtw/steps/<int:step_id>/remove/", rtw.step_remove, name="rtw-step-remove"),
    path("stays/<int:stay_id>/rtw/stakeholders/add/", rtw.stakeholder_add, name="rtw-stakeholder-add"),
    path(
        "stays/<int:stay_id>/rtw/stakeholders/<int:stakeholder_id>/remove/",
        rtw.stakeholder_remove,
        name="rtw-stakeholder-remove",
    ),
    path("stays/<int:stay_id>/rtw/agree/", rtw.agree, name="rtw-agree"),
    path("stays/<int:stay_id>/rtw/revise/", rtw.revise, name="rtw-revise"),
    path("stays/<int:stay_id>/checklists/", checklists.checklist_page, name="checklists"),
    path("stays/<int:stay_id>/checklists/<slug:item>/", checklists.record, name="checklist-record"),
]
