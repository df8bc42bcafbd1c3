"""Imports the shipped profile instrument definitions (mini_icf_app.md D-4…D-6): Mini-ICF-APP version 1 and the
MELBA / IMBA DEMO-1 skeletons, read from the JSON files shipped in ``diagnostics/instruments/definitions/``.

Uses the historical model only (never the app's current models); a version that exists already (same code +
version) is left alone, so the migration can run on a database that imported them by hand.
"""

import json
from pathlib import Path

from django.db import migrations

DEFINITIONS = Path(__file__).resolve().parent.parent / "instruments" / "definitions"
FILES = ("mini_icf_app-1.json", "melba_demo-1.json", "imba_demo-1.json")
HEADER = ("name_de", "name_en", "is_official", "licence_note")


def _definitions():
    for name in FILES:
        yield json.loads((DEFINITIONS / name).read_text(encoding="utf-8"))


def create(apps, schema_editor):
    ProfileInstrument = apps.get_model("diagnostics", "ProfileInstrument")
    for data in _definitions():
        ProfileInstrument.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={**{key: data[key] for key in HEADER}, "definition": data},
        )


def remove(apps, schema_editor):
    ProfileInstrument = apps.get_model("diagnostics", "ProfileInstrument")
    Profile = apps.get_model("diagnostics", "Profile")
    for data in _definitions():
        unused = ProfileInstrument.objects.filter(code=data["code"], version=data["version"])
        unused.exclude(pk__in=Profile.objects.values("instrument_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
