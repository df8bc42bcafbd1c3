"""``manage.py seal_chain [--full]``: link the audit rows and stored documents not yet in their hash chains.

The beat job does the same every minute. ``--full`` looks at every row (not only the most recent ids), for rows
committed long after later ones. Safe to run while the job runs: one sealer at a time holds the chain's lock.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from integrity import services


class Command(BaseCommand):
    help = "Link new audit rows and stored documents into their hash chains."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="look at every row, not only the recent ids")

    def handle(self, *args, full: bool = False, **options):
        run = services.seal_all(full=full)
        self.stdout.write(f"Sealed {run.audit:,} audit entries and {run.documents:,} document(s)")
