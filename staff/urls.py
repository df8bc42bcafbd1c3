"""The staff member's own account: two-factor enrolment, verification and backup codes."""

from django.urls import path

from staff import views_session
from staff import views_two_factor as views

app_name = "account"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("two-factor/enrol/", views.enrol, name="two-factor-enrol"),
    path("two-factor/verify/", views.verify, name="two-factor-verify"),
    path("two-factor/backup-codes/", views.backup_codes_regenerate, name="backup-codes-regenerate"),
    path("two-factor/remove/", views.remove, name="two-factor-remove"),
    path("session/", views_session.session_state, name="session"),
]
