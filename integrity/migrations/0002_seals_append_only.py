"""PostgreSQL rejects UPDATE and DELETE on the seal tables and the recorded verifications, whoever asks.

SQLite gets no trigger (Django's test flush deletes rows there); the models refuse instead. TRUNCATE (the test
flush on PostgreSQL, a restore) is not a row operation and passes, as for the audit table (wmr 0002).
"""

from django.db import migrations

TABLES = ("integrity_auditseal", "integrity_documentseal", "integrity_verification")

FUNCTION = """
CREATE OR REPLACE FUNCTION integrity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION integrity_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # no %-interpolation: the SQL holds literal %
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS integrity_append_only();", params=None)


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
