"""The dashboard's cache (issue 10): the parts of a facility's dashboard that are aggregates over its stays, kept in
Django's cache per facility, period, filters, day and language.

Invalidation by version: every facility has a version number in the cache; ``refresh_stay`` bumps its stay's facility
after it stored new ``StayIndicator`` rows (on commit), and the key of every cached dashboard carries the version it was
built with, so the next read after a write builds it anew. The database name is part of the key, so two databases
sharing one Redis (a benchmark's fresh database, say) never see each other's figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

T = TypeVar("T")

TIMEOUT = 6 * 60 * 60  # a night's refresh bumps the versions anyway; this only bounds what an idle cache keeps


def _prefix() -> str:
    return f"compliance.dashboard:{settings.DATABASES['default']['NAME']}"


def _version_key(facility_id: int) -> str:
    return f"{_prefix()}:version:{facility_id}"


def version(facility_id: int) -> int:
    return cache.get(_version_key(facility_id), 0)


def bump(facility_id: int) -> None:
    """A new version for the facility: every dashboard cached before is no longer read."""
    key = _version_key(facility_id)
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or evicted): any value other than the one the cached entries carry will do
        cache.set(key, version(facility_id) + 1, None)


def bump_on_commit(facility_id: int) -> None:
    """Bump after the current transaction commits (a reader in between would cache the old rows again)."""
    transaction.on_commit(lambda: bump(facility_id), robust=True)


def cached(facility_id: int, parts: tuple, build: Callable[[], T]) -> T:
    """The cached value for the facility and ``parts`` at the facility's current version, built when missing."""
    digest = hashlib.sha256(repr((translation.get_language(), *parts)).encode()).hexdigest()[:32]
    key = f"{_prefix()}:{facility_id}:v{version(facility_id)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


# --- the drill-down's recomputed reasons -----------------------------------------------------------------------------


def reason_key(result, today, language: str | None) -> str:
    """The cache key of one drill-down line's recomputed reason: the stored result (stay, measure) as of its
    ``computed_at`` — a write to the stay refreshes the result and so changes the key —, the day and the language."""
    stamp = result.computed_at.isoformat() if result.computed_at else "-"
    return f"{_prefix()}:reason:{result.stay_id}:{result.measure}:{stamp}:{today.isoformat()}:{language}"


def get_many(keys: list[str]) -> dict:
    return cache.get_many(keys) if keys else {}


def set_many(values: dict) -> None:
    if values:
        cache.set_many(values, TIMEOUT)
