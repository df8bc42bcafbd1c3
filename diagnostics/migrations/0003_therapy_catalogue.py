"""Seeds the default therapy catalogue (filled in by the conference work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0002_instrument_definitions")]

    operations: list = []
