"""Shared pieces of the permission matrix: personas, expectation groups and the Row shape.

Each app's rows live next to its tests (e.g. tests/screening/matrix_stay.py) and are collected in
tests/test_permission_matrix.py. An ``args`` callable receives the shared objects dict (stay, membership, consent,
contact, document, link, token, other_user) and may create further objects of its own app from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PERSONAS = ("treating", "social_worker", "other_team", "manager", "privacy_officer", "admin", "anonymous")
FIXTURE_OF = {
    "treating": "treating_psychologist",
    "social_worker": "social_worker",
    "other_team": "other_team_clinician",
    "manager": "manager",
    "privacy_officer": "privacy_officer",
    "admin": "admin_user",
}


def expect(default: int, **per_persona: int) -> dict[str, int]:
    return {persona: per_persona.get(persona, default) for persona in PERSONAS}


# Groups of expectations, named after the rule they encode.
TEAM_READ = expect(404, treating=200, social_worker=200, anonymous=302)
TEAM_WRITE_FORM = TEAM_READ  # form pages: the care team's clinicians only (both are clinicians)
TEAM_WRITE_POST = expect(404, treating=302, social_worker=302, anonymous=302)
POST_ONLY_GET = expect(405)
CLINICIANS = expect(404, treating=200, social_worker=200, other_team=200, anonymous=302)
LOGGED_IN = expect(200, anonymous=302)
PRIVACY_OFFICER_ONLY = expect(404, privacy_officer=200, anonymous=302)
PUBLIC = expect(200)
API_LIST = expect(200, anonymous=403)
API_TEAM = expect(404, treating=200, social_worker=200, anonymous=403)
API_LOGGED_IN = expect(200, anonymous=403)
ADMIN_SITE = expect(302, admin=200)  # Django admin: staff only, the rest is sent to the admin login


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    args: Callable[[dict], list]
    expected: dict[str, int]
    data: Callable[[dict], dict] | None = None


def stay(o):
    return [o["stay"].pk]
