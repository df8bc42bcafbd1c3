"""The case overview's rendered content, cached per stay, reader, day and language (issue 10).

Composing a stay's overview reads eight apps (~55 queries, ~100 ms at any data size); a clinician opens the same
case many times a day. The rendered content (case header and sections, not the page frame with its navigation and
messages) is kept in Django's cache under a key that names everything it depends on:

- the stay's **version**, bumped after every committed write to the stay: every audit row that records a change
  (``wmr.audit.on_stay_write``, also for bulk writes and conditional UPDATEs that send no signal) and every
  ``post_save``/``post_delete`` of a model that belongs to a stay (``audit_scope()``);
- a global **epoch**, bumped after a committed write to anything else the overview shows (facility settings,
  instruments, catalogues, conferences, staff names): rare, and then every cached overview is rebuilt;
- the reader (the content shows what *they* may do: edit buttons, the physician's checks), the day (day of the
  stay, due and overdue states) and the language;
- a **valid-until** time stored with the content: the earliest moment a time-of-day state in it changes (a patient
  link that expires at 14:00 shows "usable" until then), after which the entry counts as missing.

The content is rendered with a placeholder for the CSRF token; each response puts the reader's own token in, so a
cached form posts like a fresh one. The version is bumped at the write and again on commit, so a reader during the
writing transaction caches the old rows under a version the commit replaces. When the cache is unreachable, the
overview is composed as before (a log line, no error page). The database name is part of every key (a benchmark's
fresh database sharing one Redis never sees another's entries).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

TIMEOUT = 12 * 60 * 60  # the key names the day; this only bounds what an idle cache keeps
CSRF_PLACEHOLDER = "__wmr_case_overview_csrf_token__"

# Apps whose rows the overview shows. A saved row with a stay bumps that stay, any other row of these apps bumps the
# epoch. Not here: wmr (audit rows, notifications, outbox: written on every read), compliance (its own cache;
# the overview does not show its results), synthetic, privacy (erasure deletes the stay's rows, which bumps it).
WATCHED_APPS = frozenset({"patients", "screening", "goals", "diagnostics", "therapy", "reintegration", "staff"})
# Rows of watched apps that never change what the overview shows: guardian's permission rows (the care-team
# membership saved with them bumps the stay; access itself is checked on every request, never cached).
IGNORED_MODELS = frozenset({"patients.stayuserobjectpermission", "patients.staygroupobjectpermission"})


def _prefix() -> str:
    return f"cases.overview:{settings.DATABASES['default']['NAME']}"


def _stay_key(stay_id: int) -> str:
    return f"{_prefix()}:stay:{stay_id}"


def _epoch_key() -> str:
    return f"{_prefix()}:epoch"


def _new_token() -> str:
    return uuid.uuid4().hex  # never a clock: two bumps in the same instant (or under a frozen test clock) must differ


def bump_stay(stay_id: int) -> None:
    try:
        cache.set(_stay_key(stay_id), _new_token(), None)
    except Exception:  # noqa: BLE001 - the cache being down must not fail a write; entries expire with the day
        logger.warning("case overview cache: could not bump stay %s", stay_id, exc_info=True)


def bump_epoch() -> None:
    try:
        cache.set(_epoch_key(), _new_token(), None)
    except Exception:  # noqa: BLE001
        logger.warning("case overview cache: could not bump the epoch", exc_info=True)


def bump_stay_on_commit(stay_id: int) -> None:
    """Bump now and again after the commit: a reader between the two caches the old rows under the first new version,
    which the second makes unreachable; a write that is rolled back only costs one composed page."""
    bump_stay(stay_id)
    transaction.on_commit(lambda: bump_stay(stay_id), robust=True)


def bump_epoch_on_commit() -> None:
    bump_epoch()
    transaction.on_commit(bump_epoch, robust=True)


def _entry_key(stay_id: int, user_id: int, day: dt.date, versions: tuple) -> str:
    stay_version, epoch = versions
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"{_prefix()}:{stay_id}:{user_id}:{day.isoformat()}:{language}:{stay_version}:{epoch}"


def cached_content(
    *, stay_id: int, user_id: int, now: dt.datetime, csrf_token: str, render: Callable[[str], tuple[str, dt.datetime]]
) -> tuple[str, bool]:
    """The overview's content for the reader with their CSRF token in it, and whether it came from the cache.

    ``render(csrf_placeholder)`` composes and renders the content anew; it returns the HTML and the time until which
    it stays true. Returns ``(html, hit)``."""
    day = timezone.localdate(now)
    try:
        found = cache.get_many([_stay_key(stay_id), _epoch_key()])
        versions = (found.get(_stay_key(stay_id), "0"), found.get(_epoch_key(), "0"))
        key = _entry_key(stay_id, user_id, day, versions)
        entry = cache.get(key)
    except Exception:  # noqa: BLE001 - cache down: compose as before
        logger.warning("case overview cache unreachable; composing the overview", exc_info=True)
        html, _valid_until = render(CSRF_PLACEHOLDER)
        return html.replace(CSRF_PLACEHOLDER, csrf_token), False
    if entry is not None:
        html, valid_until = entry
        if now < valid_until:
            return html.replace(CSRF_PLACEHOLDER, csrf_token), True
    html, valid_until = render(CSRF_PLACEHOLDER)
    try:
        cache.set(key, (html, valid_until), TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("case overview cache: could not store stay %s", stay_id, exc_info=True)
    return html.replace(CSRF_PLACEHOLDER, csrf_token), False


# --- invalidation ----------------------------------------------------------------------------------------------


def on_stay_write(stay_id: int, action: str) -> None:
    """``wmr.audit`` listener: a change to the stay was logged (after commit, the next read composes anew)."""
    bump_stay_on_commit(stay_id)


def _stays_of(instance) -> list[int] | None:
    """The stays whose overview shows the row, or None when it is not a stay's row (the epoch covers it)."""
    direct = getattr(instance, "stay_id", None)  # most rows: no query for the stay
    if direct is not None:
        return [direct]
    scope = getattr(instance, "audit_scope", None)
    if scope is None:
        return None
    patient_id, stay_id = scope()
    if stay_id is not None:
        return [stay_id]
    if patient_id is not None:  # the patient's own data (name, birth date) is in the header of each of their stays
        from patients.models import Stay

        return list(Stay.objects.filter(patient_id=patient_id).values_list("pk", flat=True))
    return None


def watched(model) -> bool:
    """Whether saving or deleting a row of ``model`` may change a cached case overview."""
    meta = model._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in IGNORED_MODELS:
        return False
    return not model.__name__.startswith("Historical")  # django-simple-history's copy of a row saved with it


def on_model_change(sender, instance, **kwargs) -> None:
    """``post_save``/``post_delete`` of any model: bump the stay the row belongs to, or the epoch."""
    meta = sender._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    if meta.label_lower == "staff.user":
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) <= {"last_login"}:  # every login; names are what the overview shows
            return
    try:
        stay_ids = _stays_of(instance)
    except Exception:  # noqa: BLE001 - a row whose stay is gone (cascade): the epoch is the safe answer
        stay_ids = None
    if stay_ids is None:
        bump_epoch_on_commit()
        return
    for stay_id in stay_ids:
        bump_stay_on_commit(stay_id)


def on_m2m_change(sender, instance, action: str, **kwargs) -> None:
    """A many-to-many set changed (e.g. a conference's participants): as a change of the row that holds it."""
    if action.startswith("post_"):
        on_model_change(type(instance), instance)
