"""Seeds the default therapy catalogue (facility empty = offered in every facility; rec 4.10: the team conference
plans therapies aligned with the job demands from the clinic's catalogue). A facility adds its own items in the
Django admin. Running the migration again changes nothing; reversing it removes only untouched default items
that no planned therapy uses."""

from django.db import migrations

# (code, kind, German name, English name)
DEFAULT_CATALOGUE = (
    ("wmr_information", "information", "WMR-Information (Informationsveranstaltung)", "WMR information session"),
    (
        "work_group_stress",
        "work_group",
        "Berufsbezogene Gruppe: Stress am Arbeitsplatz",
        "Work-related group: stress at work",
    ),
    (
        "work_group_conflicts",
        "work_group",
        "Berufsbezogene Gruppe: Konflikte am Arbeitsplatz",
        "Work-related group: conflicts at work",
    ),
    (
        "work_group_return",
        "work_group",
        "Berufsbezogene Gruppe: Rückkehr an den Arbeitsplatz",
        "Work-related group: returning to work",
    ),
    ("workplace_training", "workplace_training", "Arbeitsplatztraining", "Workplace training"),
    (
        "individual_counseling",
        "individual_counseling",
        "Psychosoziale Einzelberatung",
        "Individual psychosocial counseling",
    ),
    (
        "small_group_counseling",
        "small_group_counseling",
        "Psychosoziale Beratung in der Kleingruppe",
        "Small-group psychosocial counseling",
    ),
    ("group_counseling", "group_counseling", "Sozialberatung in der Gruppe", "Group counseling"),
    ("ergotherapy_work", "other", "Arbeitsbezogene Ergotherapie", "Work-related occupational therapy"),
    (
        "endurance_training",
        "other",
        "Ausdauertraining (Sport- und Physiotherapie)",
        "Endurance training (sports and physiotherapy)",
    ),
)


def seed(apps, schema_editor):
    item_model = apps.get_model("diagnostics", "TherapyCatalogueItem")
    for code, kind, name_de, name_en in DEFAULT_CATALOGUE:
        # facility NULL: the unique constraint does not catch a second NULL row, so look first
        if not item_model.objects.filter(facility__isnull=True, code=code).exists():
            item_model.objects.create(facility=None, code=code, kind=kind, name_de=name_de, name_en=name_en)


def unseed(apps, schema_editor):
    item_model = apps.get_model("diagnostics", "TherapyCatalogueItem")
    planned_model = apps.get_model("diagnostics", "PlannedTherapy")
    used = planned_model.objects.values("item_id")
    codes = [row[0] for row in DEFAULT_CATALOGUE]
    item_model.objects.filter(facility__isnull=True, code__in=codes).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0002_instrument_definitions")]

    operations = [migrations.RunPython(seed, unseed)]
