"""Pages of the reminders app (issue 11)."""

app_name = "reminders"

urlpatterns: list = []
