"""The three shipped DEMO instrument definitions (screening.md §9: invented points, never official) as instrument
versions (the default contraindication list is seeded by 0002).

The definition files are read as they are shipped in ``screening/instruments/definitions/``; a version that exists
already (same code + version) is left alone, so the migration can run on a database that imported them by hand.
"""

import json
from pathlib import Path

from django.db import migrations

DEFINITIONS = Path(__file__).resolve().parent.parent / "instruments" / "definitions"
DEMO_FILES = ("simbo_c_demo_1.json", "sibar_demo_1.json", "wuerzburg_demo_1.json")
HEADER = ("variant", "name_de", "name_en", "is_official", "licence_note")


def _demo_definitions():
    for name in DEMO_FILES:
        yield json.loads((DEFINITIONS / name).read_text(encoding="utf-8"))


def create(apps, schema_editor):
    InstrumentVersion = apps.get_model("screening", "InstrumentVersion")
    for data in _demo_definitions():
        InstrumentVersion.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={**{key: data[key] for key in HEADER}, "definition": data},
        )


def remove(apps, schema_editor):
    InstrumentVersion = apps.get_model("screening", "InstrumentVersion")
    ScreeningResult = apps.get_model("screening", "ScreeningResult")
    ScreeningSetting = apps.get_model("screening", "ScreeningSetting")
    ScreeningDraft = apps.get_model("screening", "ScreeningDraft")
    for data in _demo_definitions():
        unused = InstrumentVersion.objects.filter(code=data["code"], version=data["version"])
        unused = unused.exclude(pk__in=ScreeningResult.objects.values("instrument_id"))
        unused = unused.exclude(pk__in=ScreeningDraft.objects.values("instrument_id"))
        unused.exclude(pk__in=ScreeningSetting.objects.values("instrument_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_contraindication_defaults")]

    operations = [migrations.RunPython(create, remove)]
