"""Pages of the contact log (per stay) and of the groups (per facility), namespace "therapy"."""

from django.urls import path

from therapy.views import groups, sessions

urlpatterns = [
    path("stays/<int:stay_id>/sessions/", sessions.session_list, name="session-list"),
    path("stays/<int:stay_id>/sessions/log/", sessions.session_log, name="session-log"),
    path("stays/<int:stay_id>/sessions/<int:session_id>/", sessions.session_edit, name="session-edit"),
    path("stays/<int:stay_id>/sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("groups/", groups.group_list_view, name="group-list"),
    path("groups/new/", groups.group_create, name="group-create"),
    path("groups/<int:group_id>/", groups.group_detail, name="group-detail"),
    path("groups/<int:group_id>/edit/", groups.group_edit, name="group-edit"),
    path("groups/<int:group_id>/members/add/", groups.member_add, name="group-member-add"),
    path("groups/<int:group_id>/members/<int:membership_id>/end/", groups.member_end, name="group-member-end"),
    path("groups/<int:group_id>/sessions/log/", groups.group_session_log, name="group-session-log"),
    path("groups/<int:group_id>/sessions/<int:session_id>/", groups.group_session_edit, name="group-session-edit"),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/cancel/",
        groups.group_session_cancel,
        name="group-session-cancel",
    ),
]
