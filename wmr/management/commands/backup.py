"""``manage.py backup [--output DIR]``: the configured database and every stored document, checksummed.

See ``wmr.backup`` for the layout and docs/operations.md for the procedure."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wmr.backup import BackupError, Database, create_backup


class Command(BaseCommand):
    # Plain strings: argparse cannot format lazy translations (like Django's own commands, help stays English).
    help = (
        "Back up the configured database (PostgreSQL: pg_dump --format=custom; SQLite: online backup) and every "
        "stored document into a directory with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Directory to write (new or empty). Default: backups/wmr-<UTC time> in the current directory.",
        )

    def handle(self, *args, output: Path | None = None, **options):
        now = timezone.now()
        directory = output or Path("backups") / f"wmr-{now:%Y%m%d-%H%M%S}"
        try:
            manifest = create_backup(directory, database=Database.configured(), now=now)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        mismatched = manifest["documents_not_matching_their_hash"]
        self.stdout.write(
            _("backup: %(tables)d tables, %(rows)d rows, %(documents)d documents, %(files)d files → %(path)s")
            % {
                "tables": len(manifest["tables"]),
                "rows": manifest["total_rows"],
                "documents": manifest["document_count"],
                "files": len(manifest["files"]),
                "path": directory,
            }
        )
        if mismatched:
            raise CommandError(
                _("The backup is complete, but these documents do not match their stored SHA-256: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in mismatched)}
            )
