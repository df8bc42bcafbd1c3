"""``manage.py compliance_refresh``: recompute the per-stay indicator results now, as the nightly job does (after a
deployment that adds or changes an indicator function, the dashboard is complete at once instead of the next
morning)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance import services
from patients.models import Facility


class Command(BaseCommand):
    help = "Recompute the indicator results of every facility's stays (the last five quarters, or since a date)."

    def add_arguments(self, parser):
        parser.add_argument("--facility", type=int, help="only this facility (id)")
        parser.add_argument("--since", help="stays admitted or discharged on or after this date (YYYY-MM-DD)")

    def handle(self, *args, facility=None, since=None, **options):
        try:
            since_date = dt.date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise CommandError(f"--since {since!r} is not a date like 2026-01-31") from exc
        facilities = Facility.objects.order_by("pk")
        if facility is not None:
            facilities = facilities.filter(pk=facility)
            if not facilities.exists():
                raise CommandError(f"no facility with id {facility}")
        today = timezone.localdate()
        for place in facilities:
            count = services.refresh_facility(place, today=today, since=since_date)
            self.stdout.write(f"{place}: {count} stays refreshed")
