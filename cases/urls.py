from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("stays/<int:stay_id>/", views.overview, name="overview"),
]
