from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from wmr import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("staff.urls")),
    path("audit/", include("wmr.audit_urls")),
    path("privacy/", include("privacy.urls")),
    path("notifications/", include("wmr.notification_urls")),
    path("patients/", include("patients.urls")),
    path("p/", include("patients.link_urls")),
    path("p/", include("screening.link_urls")),
    path("screening/", include("screening.urls")),
    path("goals/", include("goals.urls")),
    path("diagnostics/", include("diagnostics.urls")),
    path("therapy/", include("therapy.urls")),
    path("reintegration/", include("reintegration.urls")),
    path("compliance/", include("compliance.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("integrity/", include("integrity.urls")),
    path("reminders/", include("reminders.urls")),
    path("interop/", include("interop.urls")),
    path("cases/", include("cases.urls")),
    path("api/v1/", include("wmr.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "wmr.views.page_not_found"
handler500 = "wmr.views.server_error"
