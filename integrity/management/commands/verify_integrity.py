"""``manage.py verify_integrity``: walk the audit chain and the document chain, report the first broken link.

Recomputes every link's hash, checks positions and ``prev_hash`` links, reads every sealed document's bytes again
(against the seal and the SHA-256 stored with them). Prints counts when intact; exits 1 when a chain is broken.
Repairs nothing. The result is recorded (the privacy officer's page shows it) with an audit row; a broken chain
notifies the privacy officers and admins. ``--no-record`` only prints.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from integrity import services


def _chain_lines(result: services.ChainResult) -> list[str]:
    label = services.CHAIN_LABELS[result.name]
    if result.name == "audit":
        counts = f"{result.sealed:,} entries sealed"
        tail = f"; {result.unsealed:,} not yet sealed"
    else:
        counts = f"{result.sealed:,} sealed"
        tail = f"; {result.erased:,} erased; {result.unsealed:,} not yet sealed"
    if result.intact:
        lines = [f"{label}: {counts}, intact{tail}"]
    else:
        first = result.first[0]
        lines = [
            f"{label}: BROKEN ({result.problems:,} problem(s); {counts}{tail})",
            f"  first broken link: {services.describe(first)}",
            f"  table {first['table']}, id {first['id'] if first['id'] is not None else '-'}, "
            f"seal #{first['position'] if first['position'] is not None else '-'}",
            f"  expected: {first['expected'] or '-'}",
            f"  found:    {first['found'] or '-'}",
        ]
    if result.head_position is not None:
        lines.append(f"  head #{result.head_position}: {result.head_hash}")
    return lines


class Command(BaseCommand):
    help = "Verify the hash chains over the audit trail and the stored documents; exit 1 when broken."

    def add_arguments(self, parser):
        parser.add_argument("--no-record", action="store_true", help="print only: store no result, write no audit")

    def handle(self, *args, no_record: bool = False, **options):
        report = services.verify()
        with translation.override("en"):  # the operator's output; the notifications keep the clinic's language
            for line in _chain_lines(report.audit) + _chain_lines(report.documents):
                self.stdout.write(line)
        if not no_record:
            services.record(report, trigger="command")
        if not report.intact:
            raise CommandError("integrity check failed: a hash chain is broken (nothing was repaired)")
