"""``manage.py load_demo``: the demo clinic, idempotent, with the demo logins printed at the end.

It lives in ``cases`` (the end of the journey) because it composes every app's demo part in journey order:
``patients.demo`` (facilities, staff, patients, stays), then ``screening.demo`` (settings, screenings, decisions).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.demo import DemoConflict, DemoLogin, load_demo
from screening.demo import load_screening_demo


class Command(BaseCommand):
    # Plain strings: argparse cannot format lazy translations (like Django's own commands, help stays English).
    help = (
        "Load the demo clinic (facilities, staff for every role, about 20 patients with stays) through the services. "
        "Running it again changes nothing. Refused in production unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though settings.PRODUCTION is true.",
        )

    def handle(self, *args, force: bool = False, **options):
        if getattr(settings, "PRODUCTION", False) and not force:
            raise CommandError(
                _(
                    "This is a production installation: the demo clinic would add fictional patients and staff "
                    "with a publicly known password. Use --force if you really want it."
                )
            )
        try:
            result = load_demo()
        except DemoConflict as exc:
            raise CommandError(exc.message) from exc
        screened = load_screening_demo(today=timezone.localdate())
        if screened:
            self.stdout.write(
                _("Screening and WMR assignment recorded for %(count)d demo stays.") % {"count": screened}
            )
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo clinic loaded: %(facilities)d facilities, %(staff)d staff members, %(patients)d patients.")
                    % result.counts
                )
            )
        else:
            self.stdout.write(_("demo data already loaded; nothing changed."))
        self.stdout.write("")
        self.write_logins(result.logins)
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Warning: this password is for the demo only and is printed here for everyone to read. "
                    "Never use these accounts with real patient data; deactivate them or change their passwords."
                )
            )
        )

    def write_logins(self, logins: list[DemoLogin]) -> None:
        header = (_("Username"), _("Password"), _("Role"), _("Profession"), _("Name"))
        rows = [header] + [(x.username, x.password, x.role, x.profession, x.name) for x in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

        def line(row) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

        self.stdout.write(_("Demo logins:"))
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows[1:]:
            self.stdout.write(line(row))
