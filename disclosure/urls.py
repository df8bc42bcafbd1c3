"""Pages of the disclosure app (issue 11)."""

app_name = "disclosure"

urlpatterns: list = []
