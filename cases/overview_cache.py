"""The case overview's rendered content, cached per stay, reader, day and language (issue 10).

Composing a stay's overview reads eight apps (~55 queries, ~100 ms at any data size); a clinician opens the same
case many times a day. The rendered content (case header and sections, not the page frame with its navigation and
messages) is kept in Django's cache under a key that names everything it depends on:

- the stay's **version** and the global **epoch** (``wmr.stay_versions``): changed after every committed write to
  the stay's rows (audit hook and model signals) or, for the epoch, to anything else the journey apps hold;
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
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from wmr import stay_versions

logger = logging.getLogger(__name__)

TIMEOUT = 12 * 60 * 60  # the key names the day; this only bounds what an idle cache keeps
CSRF_PLACEHOLDER = "__wmr_case_overview_csrf_token__"


def _entry_key(stay_id: int, user_id: int, day: dt.date, versions: tuple) -> str:
    stay_version, epoch = versions
    language = translation.get_language() or settings.LANGUAGE_CODE
    database = settings.DATABASES["default"]["NAME"]
    return f"cases.overview:{database}:{stay_id}:{user_id}:{day.isoformat()}:{language}:{stay_version}:{epoch}"


def cached_content(
    *, stay_id: int, user_id: int, now: dt.datetime, csrf_token: str, render: Callable[[str], tuple[str, dt.datetime]]
) -> tuple[str, bool]:
    """The overview's content for the reader with their CSRF token in it, and whether it came from the cache.

    ``render(csrf_placeholder)`` composes and renders the content anew; it returns the HTML and the time until which
    it stays true. Returns ``(html, hit)``."""
    day = timezone.localdate(now)
    try:
        key = _entry_key(stay_id, user_id, day, stay_versions.versions(stay_id))
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
