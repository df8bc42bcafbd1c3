"""Pages of the integrity app (issue 11)."""

app_name = "integrity"

urlpatterns: list = []
