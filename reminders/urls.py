"""Pages of the reminders app (issue 11), mounted under /reminders/."""

from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/snooze/", views.reminder_snooze, name="snooze"),
    path("<int:pk>/done/", views.reminder_done, name="done"),
    path("preferences/", views.preference_change, name="preferences"),
]
