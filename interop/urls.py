"""Pages of the interop app (issue 11)."""

app_name = "interop"

urlpatterns: list = []
