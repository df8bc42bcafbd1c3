"""``manage.py restore DIR [--database-url URL] [--force]``: a backup of ``manage.py backup`` into an empty database,
checked before (every checksum) and after (row counts per table, document hashes)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wmr.backup import BackupError, Database, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup directory into an empty database (the configured one, or --database-url) after checking "
        "every checksum; then compare row counts and document hashes with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The backup directory (with manifest.json).")
        parser.add_argument(
            "--database-url",
            default=None,
            help="The target database (default: the configured DATABASE_URL). PostgreSQL: the database must exist.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the target database has rows (its tables of the backup are replaced).",
        )

    def handle(self, *args, directory: Path, database_url: str | None = None, force: bool = False, **options):
        database = Database.from_url(database_url) if database_url else Database.configured()
        try:
            report = restore_backup(directory, database=database, force=force)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        if not report.equal:
            raise CommandError(
                _("restored, but the result differs from the backup:\n%(differences)s")
                % {"differences": "\n".join(f"- {line}" for line in report.differences)}
            )
        self.stdout.write(
            _("restored: %(tables)d tables, %(rows)d rows, %(documents)d documents, all counts and hashes equal")
            % {"tables": report.tables, "rows": report.rows, "documents": report.documents}
        )
