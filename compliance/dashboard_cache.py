"""The dashboard's cache (issue 10): the parts of a facility's dashboard that are aggregates over its stays, kept in
Django's cache per facility, period, filters and language — and rebuilt in the background after writes.

Stale-while-revalidate. An entry (``Entry``) carries what it was built from: the facility's version, the fingerprint
of its stored results (``selectors.thresholds_and_fingerprint``) and the day. A read whose facility version,
fingerprint or day differ from the entry's is served the entry as it is, marked stale with the time it was built
("being updated, as of 10:42"), and queues one rebuild of the facility (``compliance.tasks.rebuild_dashboard`` in the
``reports`` queue, debounced: one pending rebuild per facility). Only a read that finds no entry at all computes the
figures in the request. ``refresh_stay`` bumps the facility's version after its commit and queues the same rebuild,
so a manager's read after a clinician's write is served the previous figures instead of recomputing them.

The rebuild recomputes the combinations (language, period, filters) that readers asked for in the last days
(``remember``/``remembered``); nothing else is ever built. The key of an entry is a digest of the facility id,
language, period and filters, and the entry repeats them (``Entry.parts``), checked on every read: an entry is never
served for another facility, period, filter or language. The database name is part of every key, so two databases
sharing one Redis (a benchmark's fresh database, say) never see each other's figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

TIMEOUT = 7 * 24 * 60 * 60  # an entry is served (stale at worst) this long after it was built; rebuilt before
REMEMBER_FOR = 7 * 24 * 60 * 60  # combinations read within this are rebuilt after writes
REMEMBER_MAX = 40  # at most this many combinations per facility (the most recently read)
REMEMBER_REFRESH = 60 * 60  # a fresh read notes its combination again at most this often
REASON_TIMEOUT = 6 * 60 * 60  # the drill-down's reasons (their keys move on with every write anyway)
PENDING_TIMEOUT = 15 * 60  # a rebuild queued but never run (lost) no longer blocks the next one after this
REBUILD_TASK = "compliance.tasks.rebuild_dashboard"


def _prefix() -> str:
    return f"compliance.dashboard:{settings.DATABASES['default']['NAME']}"


def _version_key(facility_id: int) -> str:
    return f"{_prefix()}:version:{facility_id}"


def version(facility_id: int) -> int:
    return cache.get(_version_key(facility_id), 0)


def bump(facility_id: int) -> None:
    """A new version for the facility: every entry built before is stale (still served, marked, until rebuilt)."""
    key = _version_key(facility_id)
    try:
        cache.incr(key)
    except ValueError:  # not there yet (or evicted): any value other than the one the cached entries carry will do
        cache.set(key, version(facility_id) + 1, None)


def _tasks_run_in_process() -> bool:
    from wmr.celery import app

    return bool(app.conf.task_always_eager)


def bump_on_commit(facility_id: int, *, rebuild: bool = True) -> None:
    """After the current transaction commits (a reader in between would cache the old rows again): bump the
    facility's version and, unless ``rebuild`` is False (the nightly job queues one rebuild at its end), queue the
    rebuild of its dashboards — with a worker only: without a broker (the embedded default, the benchmark) tasks run
    in the writing process, so every write would rebuild every dashboard at once (a 20-person group session: twenty
    rebuilds); there the next read finds the entry stale and rebuilds it once."""

    def changed() -> None:
        bump(facility_id)
        if rebuild and not _tasks_run_in_process():
            schedule_rebuild(facility_id)

    transaction.on_commit(changed, robust=True)


# --- entries ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    facility_id: int
    parts: tuple  # (language, *parts): what the entry is of, compared with the facility on every read
    version: int
    fingerprint: tuple
    today: dt.date
    built_at: dt.datetime
    value: object


@dataclass(frozen=True)
class Served:
    value: object
    built_at: dt.datetime
    stale: bool  # the facility changed since it was built: a rebuild is queued


def full_parts(parts: tuple, language: str | None = None) -> tuple:
    return (language if language is not None else translation.get_language(), *parts)


def _key(facility_id: int, full: tuple) -> str:
    digest = hashlib.sha256(repr((facility_id, *full)).encode()).hexdigest()[:32]
    return f"{_prefix()}:{facility_id}:entry:{digest}"


def entry(facility_id: int, full: tuple) -> Entry | None:
    """The cached entry of exactly these parts (language first), or None."""
    found = cache.get(_key(facility_id, full))
    if isinstance(found, Entry) and found.facility_id == facility_id and found.parts == full:
        return found
    return None


def is_fresh(found: Entry, *, current: int, fingerprint: tuple, today: dt.date) -> bool:
    return found.version == current and found.fingerprint == tuple(fingerprint) and found.today == today


def store(facility_id: int, full: tuple, *, current: int, fingerprint: tuple, today: dt.date, value) -> Entry:
    """Keep ``value`` as the entry of ``full``, built from the facility's version ``current`` (read BEFORE the
    figures: a bump meanwhile leaves the entry stale, never wrongly fresh) and ``fingerprint``."""
    built = Entry(
        facility_id=facility_id,
        parts=full,
        version=current,
        fingerprint=tuple(fingerprint),
        today=today,
        built_at=timezone.now(),
        value=value,
    )
    cache.set(_key(facility_id, full), built, TIMEOUT)
    return built


def read(facility_id: int, parts: tuple, *, fingerprint: tuple, today: dt.date, build: Callable[[], object]) -> Served:
    """The facility's figures for ``parts`` in the active language: the entry if it is fresh; a stale entry as it
    is (``Served.stale``) with one rebuild queued; computed here (``build``) only when there is no entry at all."""
    full = full_parts(parts)
    current = version(facility_id)
    found = entry(facility_id, full)
    if found is not None and is_fresh(found, current=current, fingerprint=fingerprint, today=today):
        remember(facility_id, full, only_if_old=True)
        return Served(found.value, found.built_at, stale=False)
    remember(facility_id, full)
    if found is not None:
        schedule_rebuild(facility_id)
        again = entry(facility_id, full)  # without a broker the rebuild ran in this process just now
        if again is not None and is_fresh(again, current=version(facility_id), fingerprint=fingerprint, today=today):
            return Served(again.value, again.built_at, stale=False)
        return Served(found.value, found.built_at, stale=True)
    built = store(facility_id, full, current=current, fingerprint=fingerprint, today=today, value=build())
    return Served(built.value, built.built_at, stale=False)


# --- what readers asked for, rebuilt after writes ---------------------------------------------------------------------


def _reads_key(facility_id: int) -> str:
    return f"{_prefix()}:{facility_id}:reads"


def remember(facility_id: int, full: tuple, *, only_if_old: bool = False) -> None:
    """Note that a reader asked for ``full`` now (the rebuild recomputes the combinations noted recently). A lost
    update between two readers only means one combination is not rebuilt; its next read notes it again."""
    now = time.time()
    reads = cache.get(_reads_key(facility_id)) or {}
    if only_if_old and now - reads.get(full, 0) < REMEMBER_REFRESH:
        return
    reads[full] = now
    kept = sorted(((parts, at) for parts, at in reads.items() if now - at < REMEMBER_FOR), key=lambda item: -item[1])
    cache.set(_reads_key(facility_id), dict(kept[:REMEMBER_MAX]), REMEMBER_FOR)


def remembered(facility_id: int) -> list[tuple]:
    """The combinations read recently, most recent first."""
    now = time.time()
    reads = cache.get(_reads_key(facility_id)) or {}
    return [parts for parts, at in sorted(reads.items(), key=lambda item: -item[1]) if now - at < REMEMBER_FOR]


def _pending_key(facility_id: int) -> str:
    return f"{_prefix()}:{facility_id}:rebuild-pending"


def schedule_rebuild(facility_id: int) -> bool:
    """Queue ``compliance.tasks.rebuild_dashboard`` for the facility unless one is pending already (debounced by a
    cache flag the task clears when it starts, and by the outbox's idempotency key). True when queued now."""
    from wmr import outbox

    if not cache.add(_pending_key(facility_id), 1, PENDING_TIMEOUT):
        return False
    outbox.enqueue(REBUILD_TASK, [facility_id], key=f"{REBUILD_TASK}:{facility_id}")
    return True


def rebuild_started(facility_id: int) -> None:
    """The rebuild begins: writes from now on queue another one (they may come after it read the rows)."""
    cache.delete(_pending_key(facility_id))


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
        cache.set_many(values, REASON_TIMEOUT)
