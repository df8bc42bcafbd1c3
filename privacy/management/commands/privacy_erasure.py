"""``manage.py privacy_erasure [--dry-run] [--today YYYY-MM-DD]``: the nightly erasure on demand.

``--dry-run`` lists the patients whose retention period has ended (id, stay numbers, end of treatment, retention
end) and changes nothing. Without it the same service as the beat task runs and the counts are printed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy import selectors, services


class Command(BaseCommand):
    help = "Erase patients whose retention period (RETENTION_YEARS after the last discharge) has ended."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be erased, change nothing")
        parser.add_argument("--today", help="the day to decide on (YYYY-MM-DD), default: today")

    def handle(self, *args, dry_run: bool = False, today: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        years = settings.RETENTION_YEARS
        due = selectors.patients_due_for_erasure(today=day, years=years)
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}{len(due)} patient(s) due on {day} (retention {years} years)")
        for item in due:
            numbers = ", ".join(item.patient.stays.order_by("number").values_list("number", flat=True))
            self.stdout.write(
                f"  patient {item.patient.pk}  stays {numbers}  end of treatment {item.retention.end_of_treatment}"
                f"  retention end {item.retention.retention_end}"
            )
        if dry_run:
            return
        run = services.erase_expired(today=day, years=years)
        self.stdout.write(f"Erased {len(run.erased)} patient(s), {run.rows} row(s) deleted, {len(run.failed)} failed")
        for record in run.erased:
            self.stdout.write(f"  patient {record.former_patient_id}: {record.rows}")
        if run.failed:
            raise CommandError(f"erasure failed for patient(s) {run.failed}; see the log")
