from django.urls import path

from wmr import notification_views

app_name = "notifications"

urlpatterns = [
    path("", notification_views.notification_list, name="list"),
    path("<int:pk>/read/", notification_views.notification_read, name="read"),
]
