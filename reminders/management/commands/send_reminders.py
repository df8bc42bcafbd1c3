"""``manage.py send_reminders [--today YYYY-MM-DD] [--dry-run] [--facility ID]``: the morning run of the reminders
(what the beat job does), printing the counts per facility and kind."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import rules, services

COLUMNS = ("due", "created", "existing", "snoozed", "closed")


class Command(BaseCommand):
    help = "Create today's reminders of what is due or overdue on the stays (idempotent) and print the counts."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as of this day (YYYY-MM-DD; default: today in Europe/Berlin)")
        parser.add_argument("--dry-run", action="store_true", help="count only, write nothing, send nothing")
        parser.add_argument("--facility", type=int, action="append", help="only this facility (id; repeatable)")

    def handle(self, *args, today=None, dry_run=False, facility=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r} is not a date like 2026-01-31") from exc
        report = services.reminders_run(today=day, dry_run=dry_run, facility_ids=facility)
        self.stdout.write(self.render(report))

    @staticmethod
    def render(report: services.RunReport) -> str:
        head = f"Reminders for {report.today:%Y-%m-%d}{' (dry run: nothing written)' if report.dry_run else ''}"
        lines = [head, f"stays looked at: {report.stays}", ""]
        keys = sorted(
            {key for name in (*COLUMNS, "without_recipient") for key in getattr(report, name)},
            key=lambda k: (k[0], rules.KINDS.index(k[1])),
        )
        lines.append(f"{'facility':<12}{'kind':<20}" + "".join(f"{c:>10}" for c in COLUMNS) + f"{'no member':>11}")
        for facility, kind in keys:
            counts = "".join(f"{getattr(report, c)[facility, kind]:>10}" for c in COLUMNS)
            lines.append(f"{facility:<12}{kind:<20}{counts}{report.without_recipient[facility, kind]:>11}")
        per_kind = {kind: sum(n for (_f, k), n in report.created.items() if k == kind) for kind in rules.KINDS}
        per_facility: dict[str, int] = {}
        for (facility, _kind), n in report.created.items():
            per_facility[facility] = per_facility.get(facility, 0) + n
        totals = "".join(f"{report.total(c):>10}" for c in COLUMNS)
        lines.append(f"{'total':<32}{totals}{report.total('without_recipient'):>11}")
        lines.append("")
        lines.append("created per kind: " + ", ".join(f"{k} {n}" for k, n in per_kind.items()))
        lines.append("created per facility: " + (", ".join(f"{f} {n}" for f, n in sorted(per_facility.items())) or "–"))
        lines.append(f"e-mails queued: {report.mailed_users}")
        return "\n".join(lines)
