"""Shared pieces of the permission matrix: personas, expectation groups and the Row shape.

Each app's rows live next to its tests (e.g. tests/screening/matrix_stay.py) and are collected in
tests/test_permission_matrix.py. An ``args`` callable receives the shared objects dict (stay, membership, consent,
contact, document, link, token, other_user) and may create further objects of its own app from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, reverse

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
    # An unnamed URL pattern cannot be reversed: ``path`` gives the URL and ``pattern`` names the pattern (its
    # namespace and full route, as ``pattern_keys`` spells it) for the coverage test.
    path: Callable[[dict], str] | None = None
    pattern: str | None = None
    label: str = ""  # tells rows of the same URL name and method apart in test ids

    @property
    def key(self) -> str:
        """The URL pattern this row covers."""
        return self.pattern or self.name

    @property
    def id(self) -> str:
        """A stable test id (no object ids in it: xdist workers must agree on it)."""
        return "-".join(part for part in (self.method, self.key, self.label) if part)

    def url(self, objects: dict) -> str:
        return self.path(objects) if self.path else reverse(self.name, args=self.args(objects))


def stay(o):
    return [o["stay"].pk]


def pattern_keys(patterns, namespace: str | None = None, prefix: str = ""):
    """Every URL pattern of the resolver as ``namespace:name``, or ``namespace:full route`` when it has no name."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from pattern_keys(pattern.url_patterns, ns, route)
        elif isinstance(pattern, URLPattern):
            key = pattern.name or route
            yield f"{namespace}:{key}" if namespace else key
