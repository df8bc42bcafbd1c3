"""Version tokens of a stay's data, for caches of what a page shows about one stay (issue 10).

Every stay has a token in Django's cache that changes after every committed write to the stay's rows: every audit
row that records a change (``wmr.audit.on_stay_write``, also for bulk writes and conditional UPDATEs that send no
signal) and every ``post_save``/``post_delete`` of a model of the journey apps that belongs to a stay (its
``stay_id`` or ``audit_scope()``). A write to anything else those apps hold (facility settings, instruments,
catalogues, conferences, staff names) changes a global **epoch** instead. A cache key that carries both tokens
(``versions(stay_id)``) is never read again after such a write: the case overview (``cases.overview_cache``) and the
API list of a stay's sessions use them.

Tokens change at the write and again on commit, so a reader during the writing transaction caches the old rows under a
token that the commit replaces; a write that is rolled back only costs one rebuilt page. Tokens are random, never a
clock (two bumps in the same instant, or under a frozen test clock, must differ). When the cache is unreachable,
bumps are logged and skipped, and readers build their pages without the cache. The database name is part of every
key (a benchmark's fresh database sharing one Redis never sees another's tokens).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Apps whose rows pages about a stay show. A saved row with a stay bumps that stay, any other row of these apps bumps
# the epoch. Not here: wmr (audit rows, notifications, outbox: written on every read), compliance (its own cache),
# synthetic, privacy (erasure deletes the stay's rows, which bumps it), the issue-11 apps (their pages are not cached).
WATCHED_APPS = frozenset({"patients", "screening", "goals", "diagnostics", "therapy", "reintegration", "staff"})
# Rows of watched apps that never change what those pages show: guardian's permission rows (the care-team membership
# saved with them bumps the stay; access itself is checked on every request, never cached).
IGNORED_MODELS = frozenset({"patients.stayuserobjectpermission", "patients.staygroupobjectpermission"})


def _prefix() -> str:
    return f"wmr.stay_versions:{settings.DATABASES['default']['NAME']}"


def _stay_key(stay_id: int) -> str:
    return f"{_prefix()}:stay:{stay_id}"


def _epoch_key() -> str:
    return f"{_prefix()}:epoch"


def versions(stay_id: int) -> tuple[str, str]:
    """The stay's token and the epoch (raises when the cache is unreachable: the caller builds without it)."""
    found = cache.get_many([_stay_key(stay_id), _epoch_key()])
    return found.get(_stay_key(stay_id), "0"), found.get(_epoch_key(), "0")


def cached(stay_id: int, name: str, parts: str, build: Callable[[], T], timeout: int = 12 * 60 * 60) -> T:
    """``build()``'s value kept under the stay's tokens, ``name`` and ``parts`` (reader, language, URL …; hashed), so
    no write to the stay is ever followed by the old value; built when missing or when the cache is unreachable."""
    try:
        stay_token, epoch = versions(stay_id)
        digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
        key = f"{_prefix()}:{name}:{stay_id}:{stay_token}:{epoch}:{digest}"
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - cache down: build as before
        logger.warning("stay versions: cache unreachable, building %s", name, exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            logger.warning("stay versions: could not cache %s", name, exc_info=True)
    return value


def _set(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - the cache being down must not fail a write; cached pages expire with the day
        logger.warning("stay versions: could not bump %s", key, exc_info=True)


def bump_stay(stay_id: int) -> None:
    _set(_stay_key(stay_id))
    transaction.on_commit(lambda: _set(_stay_key(stay_id)), robust=True)


def bump_epoch() -> None:
    _set(_epoch_key())
    transaction.on_commit(lambda: _set(_epoch_key()), robust=True)


def on_stay_write(stay_id: int, action: str) -> None:
    """``wmr.audit`` listener: a change to the stay was logged."""
    bump_stay(stay_id)


def watched(model) -> bool:
    """Whether saving or deleting a row of ``model`` may change a page cached under stay versions."""
    meta = model._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in IGNORED_MODELS:
        return False
    return not model.__name__.startswith("Historical")  # django-simple-history's copy of a row saved with it


def _stays_of(instance) -> list[int] | None:
    """The stays whose pages show the row, or None when it is not a stay's row (the epoch covers it)."""
    direct = getattr(instance, "stay_id", None)  # most rows: no query for the stay
    if direct is not None:
        return [direct]
    scope = getattr(instance, "audit_scope", None)
    if scope is None:
        return None
    patient_id, stay_id = scope()
    if stay_id is not None:
        return [stay_id]
    if patient_id is not None:  # the patient's own data (name, birth date) is on each of their stays' pages
        from patients.models import Stay

        return list(Stay.objects.filter(patient_id=patient_id).values_list("pk", flat=True))
    return None


def on_model_change(sender, instance, **kwargs) -> None:
    """``post_save``/``post_delete`` of a watched model: bump the stay the row belongs to, or the epoch."""
    if sender._meta.label_lower == "staff.user":
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) <= {"last_login"}:  # every login; names are what the pages show
            return
    try:
        stay_ids = _stays_of(instance)
    except Exception:  # noqa: BLE001 - a row whose stay is gone (cascade): the epoch is the safe answer
        stay_ids = None
    if stay_ids is None:
        bump_epoch()
        return
    for stay_id in stay_ids:
        bump_stay(stay_id)


def on_m2m_change(sender, instance, action: str, **kwargs) -> None:
    """A many-to-many set changed (e.g. a conference's participants): as a change of the row that holds it."""
    if action.startswith("post_") and watched(type(instance)):
        on_model_change(type(instance), instance)


def connect() -> None:
    """Receivers per model of the watched apps only: a receiver for every model would cost Django's fast delete (a
    queryset delete without listeners is one DELETE, with listeners row by row) everywhere else."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from wmr import audit

    audit.on_stay_write(on_stay_write)
    for model in apps.get_models(include_auto_created=True):
        if watched(model):
            uid = model._meta.label_lower
            post_save.connect(on_model_change, sender=model, dispatch_uid=f"wmr.stay_versions.save.{uid}")
            post_delete.connect(on_model_change, sender=model, dispatch_uid=f"wmr.stay_versions.delete.{uid}")
    m2m_changed.connect(on_m2m_change, dispatch_uid="wmr.stay_versions.m2m")
