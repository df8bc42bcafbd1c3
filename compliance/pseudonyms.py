"""Pseudonyms of stays for management (issue 8, drill-down): management sees a stay as its stay number and a
pseudonym derived from the stay id — no name, no initials, no birth date — unless the viewer is on that stay's care
team (ARCHITECTURE: "Management sees aggregates and pseudonymised drill-downs unless also on the care team").

``pseudonym`` is pure: HMAC-SHA256 of the stay id keyed with ``settings.SECRET_KEY`` (stable across pages and
exports, not computable without the key, nothing of the patient in it). ``stays_on_team`` is the decision for a page
of stays in one query, through the same permission tables as every stay page (so the case-overview link it enables
always opens).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

PREFIX = "P-"
DIGITS = 6  # hex digits: 16.7 million values, shown next to the stay number, so a clash misleads no one


def pseudonym(stay_id: int, *, key: str | None = None) -> str:
    """``"P-7F3A9C"``: the first six hex digits of HMAC-SHA256(key, "stay:<id>"), upper case. ``key`` defaults to
    the SECRET_KEY; the same stay always gets the same pseudonym under the same key."""
    secret = (settings.SECRET_KEY if key is None else key).encode()
    digest = hmac.new(secret, f"stay:{int(stay_id)}".encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS].upper()


def stays_on_team(user, stay_ids: Iterable[int]) -> set[int]:
    """The ids among ``stay_ids`` whose care team ``user`` is on (one query; an empty set for no ids)."""
    from patients.selectors import stays_visible_to

    ids = {int(pk) for pk in stay_ids}
    if not ids:
        return set()
    return set(stays_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class StayIdentity:
    """How a stay is shown to a reader: always number and pseudonym; the name only to its care team."""

    stay_id: int
    number: str
    pseudonym: str
    name: str | None  # "Nachname, Vorname" for the care team, else None

    @property
    def on_team(self) -> bool:
        return self.name is not None


def identify(stay, *, on_team: bool) -> StayIdentity:
    """The identity a reader may see (pure: ``on_team`` comes from ``stays_on_team``)."""
    name = f"{stay.patient.last_name}, {stay.patient.first_name}" if on_team else None
    return StayIdentity(stay_id=stay.pk, number=stay.number, pseudonym=pseudonym(stay.pk), name=name)


def identities(user, stays: list) -> dict[int, StayIdentity]:
    """Identities of a page of stays for ``user`` (one query), by stay id."""
    team = stays_on_team(user, [stay.pk for stay in stays])
    return {stay.pk: identify(stay, on_team=stay.pk in team) for stay in stays}
