"""``manage.py seed_synthetic --stays N --facilities F --seed S``: a synthetic clinic group for benchmarks.

Bulk inserts only (``synthetic.core``); deterministic for the same arguments and ``--today``. Refused in production
unless ``--force`` and refused when synthetic facilities are already there (one data set per database).
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from synthetic import PARTS, people
from synthetic.core import Chunk, Options, Writer, plan_stays

PASSWORD = "Synth-Klinik-2026"


class Command(BaseCommand):
    help = (
        "Build a synthetic clinic group (patients, stays, screenings, assignments, goals, profiles, sessions, plans, "
        "letters' metadata, indicator results, audit rows) with bulk inserts, for benchmarks. Every synthetic login "
        f"has the password {PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stays", type=int, required=True, help="Number of stays over all facilities.")
        parser.add_argument("--facilities", type=int, default=1, help="Number of facilities (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--per-year", type=int, default=6000, help="Admissions per facility and year (6000).")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Reference day (default: today, Berlin).")
        parser.add_argument("--force", action="store_true", help="Allow it although settings.PRODUCTION is true.")

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False) and not options["force"]:
            raise CommandError("Refused: this is a production configuration (use --force on a copy only).")
        if options["stays"] < 1 or options["facilities"] < 1 or options["per_year"] < 1:
            raise CommandError("--stays, --facilities and --per-year must be at least 1.")
        if options["facilities"] > options["stays"]:
            raise CommandError("--facilities must not exceed --stays.")
        if people.already_seeded():
            raise CommandError("This database already holds a synthetic clinic group; use a fresh database.")
        opts = Options(
            stays=options["stays"],
            facilities=options["facilities"],
            seed=options["seed"],
            today=options["today"] or timezone.localdate(),
            per_year=options["per_year"],
            password_hash=make_password(PASSWORD),
        )
        started = time.perf_counter()
        writer = Writer()
        seed(opts, writer, progress=self.stdout.write if options["verbosity"] >= 2 else None)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {opts.stays} stays in {opts.facilities} facilities (seed {opts.seed}, today {opts.today}): "
            f"{sum(writer.rows.values())} rows in {seconds:.1f} s"
        )
        if options["verbosity"] >= 1:
            for part, part_seconds in writer.seconds.most_common():
                self.stdout.write(f"  {part:<14} {part_seconds:8.1f} s")
            for table, count in sorted(writer.rows.items()):
                self.stdout.write(f"  {table:<45} {count:>10}")


def seed(opts: Options, writer: Writer, progress=None) -> dict:
    """Seed the whole data set; returns the writer's counts. Each chunk is one transaction."""
    skip_fk_checks = False
    if writer.postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            skip_fk_checks = bool(cursor.fetchone()[0])
    with transaction.atomic(), writer.timed("people"):
        facilities = people.seed_facilities(opts, writer)
    for fctx in facilities:
        for part in PARTS:
            prepare = getattr(part, "prepare", None)
            if prepare is not None:
                with transaction.atomic(), writer.timed(part.NAME):
                    prepare(opts, writer, fctx)
    number = 0
    for fctx in facilities:
        plans = plan_stays(opts, fctx.index)
        for start in range(0, len(plans), opts.chunk_size):
            chunk = Chunk(number=number, facility=fctx, plans=plans[start : start + opts.chunk_size])
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                if skip_fk_checks:
                    # The generator's rows point only at rows it inserted before (the SQLite runs of the tests check
                    # every reference); PostgreSQL's deferred foreign-key checks at commit cost as much as the COPYs.
                    # Only a superuser may switch them off, and only for this transaction.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL session_replication_role = replica")
                for part in PARTS:
                    with writer.timed(part.NAME):
                        part.seed_chunk(opts, writer, chunk)
                if skip_fk_checks:  # back on before the commit (inside a test's transaction the rest checks again)
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
            with writer.timed("commit"):
                atomic.__exit__(None, None, None)
            number += 1
            if progress is not None:
                progress(f"  {fctx.facility}: {start + len(chunk.plans)}/{len(plans)} stays")
    if writer.postgres:
        with connection.cursor() as cursor, writer.timed("analyze"):
            cursor.execute("ANALYZE")
    return dict(writer.rows)
