"""The default list of contraindications a physician checks (screening.md A-4, rec. 2.3). The list is data: a
facility may deactivate or add entries in the admin; this migration only creates the three named in the rules."""

from django.db import migrations

DEFAULTS = [
    (
        "unrealistic_rtw_prospect",
        "Keine realistische Aussicht auf Rückkehr an den Arbeitsplatz",
        "No realistic prospect of returning to work",
        False,
        10,
    ),
    ("medical_instability", "Medizinische Instabilität", "Medical instability", False, 20),
    ("other", "Andere Kontraindikation", "Other contraindication", True, 90),
]


def create(apps, schema_editor):
    Contraindication = apps.get_model("screening", "Contraindication")
    for code, label_de, label_en, needs_text, position in DEFAULTS:
        Contraindication.objects.get_or_create(
            code=code,
            defaults={"label_de": label_de, "label_en": label_en, "needs_text": needs_text, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("screening", "Contraindication").objects.filter(code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
