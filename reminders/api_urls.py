"""API paths of reminders, included into wmr.api_urls under the "api" namespace (no app_name here)."""

from django.urls import path

from reminders.api import MyReminderList, ReminderSnooze

urlpatterns = [
    path("reminders/", MyReminderList.as_view(), name="reminder-list"),
    path("reminders/<int:pk>/snooze/", ReminderSnooze.as_view(), name="reminder-snooze"),
]
