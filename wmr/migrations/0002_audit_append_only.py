"""PostgreSQL rejects UPDATE and DELETE on the audit table, whoever asks (admins and raw SQL included).

SQLite gets no trigger: Django's test flush deletes rows there; the application refuses instead (AuditEntry).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wmr_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'wmr_auditentry is append-only: % rejected', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS wmr_audit_append_only ON wmr_auditentry;
CREATE TRIGGER wmr_audit_append_only BEFORE UPDATE OR DELETE ON wmr_auditentry
    FOR EACH ROW EXECUTE FUNCTION wmr_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS wmr_audit_append_only ON wmr_auditentry;
DROP FUNCTION IF EXISTS wmr_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # no %-interpolation: the SQL holds a literal %


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("wmr", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
