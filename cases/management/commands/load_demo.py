"""``manage.py load_demo``: the demo clinic, idempotent, with the demo logins printed at the end.

It lives in ``cases`` (the end of the journey) because it composes every app's demo part in journey order:
``patients.demo`` (facilities, staff, patients, stays), ``screening.demo`` (settings, screenings, decisions),
then goals, diagnostics (sessions, profiles, conferences), therapy (groups, sessions, workplace training) and the
return to work (sick leave, triggers, plans, letters), and last compliance (every demo stay's indicator results, the
demo clinic's self-assessment).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.demo import load_compliance_demo
from diagnostics.demo import load_diagnostics_demo
from diagnostics.demo_conference import load_conference_demo
from goals.demo import load_goals_demo
from patients.demo import DemoConflict, DemoLogin, load_demo
from reintegration.demo import load_reintegration_demo
from screening.demo import load_screening_demo
from therapy.demo import load_therapy_demo
from therapy.demo_training import load_training_demo


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
        today = timezone.localdate()
        screened = load_screening_demo(today=today)
        if screened:
            self.stdout.write(
                _("Screening and WMR assignment recorded for %(count)d demo stays.") % {"count": screened}
            )
        # the later journey phases, in order; each part is idempotent and returns how many stays it filled
        parts = [
            (load_goals_demo, _("Goal agreements recorded for %(count)d demo stays.")),
            (load_diagnostics_demo, _("Diagnostics and profiles recorded for %(count)d demo stays.")),
            (load_conference_demo, _("Team conferences recorded: %(count)d.")),
            (load_therapy_demo, _("Counseling and group sessions recorded for %(count)d demo stays.")),
            (load_training_demo, _("Workplace training recorded for %(count)d demo stays.")),
            (
                load_reintegration_demo,
                _("Return to work (sick leave, triggers, plans) recorded for %(count)d demo stays."),
            ),
            (
                load_compliance_demo,
                _("Compliance: indicator results computed for %(count)d demo stays, self-assessment answered."),
            ),
        ]
        for load_part, message in parts:
            count = load_part(today=today)
            if count:
                self.stdout.write(message % {"count": count})
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
        self.write_two_factor_note(logins)

    def write_two_factor_note(self, logins: list[DemoLogin]) -> None:
        """Issue 9: who sets up an authenticator app at the first login (the roles the demo facilities require)."""
        from staff.models import User
        from staff.two_factor import two_factor_required

        people = User.objects.filter(username__in=[x.username for x in logins])
        required = sorted(person.username for person in people if two_factor_required(person))
        if required:
            self.stdout.write("")
            self.stdout.write(
                _(
                    "Two-factor authentication: %(usernames)s set up an authenticator app at their first login "
                    "(scan the QR code, type the 6-digit code, keep the backup codes); the others may on their "
                    "account page."
                )
                % {"usernames": ", ".join(required)}
            )
