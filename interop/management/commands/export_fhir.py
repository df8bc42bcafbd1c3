"""``manage.py export_fhir --stay <id> [--out file] [--with-content]``: one stay's FHIR Bundle as JSON (to stdout or
a file) and its resource counts; audit-logged as an export without a user."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interop import fhir, selectors
from patients.models import Stay
from wmr import audit


class Command(BaseCommand):
    # Plain strings: argparse cannot format lazy translations (like Django's own commands, help stays English).
    help = "Export one stay as a FHIR R4 Bundle (JSON) and print its resource counts."

    def add_arguments(self, parser):
        parser.add_argument("--stay", required=True, help="Primary key of the stay.")
        parser.add_argument("--out", help="Write the bundle to this file (default: the bundle goes to stdout).")
        parser.add_argument(
            "--with-content", action="store_true", help="Embed the stored documents' bytes (base64), not only links."
        )

    def handle(self, *args, stay: str, out: str | None = None, with_content: bool = False, **options):
        try:
            stay_obj = Stay.objects.select_related("patient", "facility").get(pk=int(stay))
        except (ValueError, Stay.DoesNotExist) as exc:
            raise CommandError(f"No stay with id {stay!r}.") from exc
        bundle = selectors.stay_bundle(stay_obj, include_content=with_content)
        counts = fhir.resource_counts(bundle)
        data = {**counts, "via": "manage.py export_fhir"}
        if out:
            Path(out).write_text(bundle.model_dump_json(), encoding="utf-8")
            data["file"] = out
            audit.log(stay_obj, "interop.fhir_bundle.exported", user=None, data=data)
            self.stdout.write(fhir.counts_line(counts))
            self.stdout.write(f"Written to {out}")
        else:
            audit.log(stay_obj, "interop.fhir_bundle.exported", user=None, data=data)
            self.stdout.write(bundle.model_dump_json())
            self.stderr.write(fhir.counts_line(counts))
