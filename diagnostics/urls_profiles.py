"""Diagnostics of a stay: the page, sessions, job descriptions and profiles (mounted at /diagnostics/)."""

from django.urls import path

from diagnostics.views import jobs, profiles, sessions

urlpatterns = [
    path("stays/<int:stay_id>/", sessions.diagnostics_page, name="stay"),
    path("stays/<int:stay_id>/sessions/new/", sessions.session_create, name="session-create"),
    path(
        "stays/<int:stay_id>/sessions/<int:session_id>/correct/", sessions.session_correct_view, name="session-correct"
    ),
    path("stays/<int:stay_id>/jobs/new/", jobs.job_create, name="job-create"),
    path("stays/<int:stay_id>/jobs/<int:job_id>/edit/", jobs.job_edit, name="job-edit"),
    path("stays/<int:stay_id>/profiles/new/", profiles.profile_create_view, name="profile-create"),
    path("stays/<int:stay_id>/profiles/<int:profile_id>/", profiles.profile_detail, name="profile-detail"),
    path("stays/<int:stay_id>/profiles/<int:profile_id>/rate/", profiles.profile_rate, name="profile-rate"),
    path("stays/<int:stay_id>/profiles/<int:profile_id>/edit/", profiles.profile_edit, name="profile-edit"),
]
