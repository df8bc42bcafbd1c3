"""Pages of the integrity app (issue 11)."""

from django.urls import path

from integrity import views

app_name = "integrity"

urlpatterns: list = [
    path("", views.status, name="status"),
    path("verify/", views.verify_now, name="verify"),
]
