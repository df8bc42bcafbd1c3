"""Imports the shipped profile instrument definitions (filled in by the instruments work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0001_initial")]

    operations: list = []
