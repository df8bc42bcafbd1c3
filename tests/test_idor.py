"""IDOR: every object id in every URL of the permission matrix, swapped for another facility's or another team's
object, answers 404, and a refused request writes nothing.

The cases come from the matrix rows (tests/test_permission_matrix.py): a row whose URL carries object ids (or whose
query names a facility) is requested by a persona the row lets in on the shared stay, with the ids of another object
set of the same shape (tests/idor_support.py), built by calling the row's own ``args`` on that set:

* ``other-facility``: every id from a stay in another facility with that facility's care team (the treating
  psychologist, or for facility pages the manager or privacy officer of the first facility);
* ``other-team``: every id from a stay of another care team in the same facility (stay-scoped rows only: those the
  other-team clinician may not open on the shared stay);
* ``…-mixed``: a URL with two or more ids keeps the own first id (the stay, the group, the conference) and takes the
  rest from another facility, another team, or another stay of the same team (``own-other-stay``).

``pytest tests/test_idor.py -k count -s`` prints the number of cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse

from tests.idor_support import changed_tables, database_fingerprint, object_set, stay_with_team, team_of
from tests.permissions import FIXTURE_OF, Row
from tests.test_permission_matrix import MATRIX, _client, objects  # noqa: F401  (objects: the shared fixture)
from wmr.models import AuditEntry

# The persona that tries the foreign ids: the first one the row lets in on the shared stay.
ATTACKERS = ("treating", "manager", "privacy_officer")
REFUSED = {403, 404, 405}
# Rows whose form data or query holds no object id (a period, a language, a title): nothing to swap.
DATA_WITHOUT_IDS = {
    "post-set_language",
    "get-compliance:group",
    "post-diagnostics:conference-create",
}
# Rows whose ids name objects every facility shares: nothing belongs to another facility or team.
SHARED_OBJECTS = {
    "get-screening:instrument-detail",  # instrument versions are the same for every clinic
}
# URL arguments naming an object of the facility, not of a stay (a conference, a group, the facility itself): another
# stay's or team's one in the same facility is a legitimate neighbour, only another facility's is foreign.
FACILITY_LEVEL_PARAMS = {"conf_id", "group_id", "group_pk", "facility_id", "facility_pk"}


def _resolver_of(name: str):
    namespace, _, url_name = name.rpartition(":")
    resolver = get_resolver()
    for part in filter(None, namespace.split(":")):
        resolver = resolver.namespace_dict[part][1]
    return resolver, url_name


def url_params(name: str) -> list[str]:
    resolver, url_name = _resolver_of(name)
    possibilities, _pattern, _defaults, _converters = resolver.reverse_dict.getlist(url_name)[0]
    return list(possibilities[0][1])


def id_positions(name: str) -> list[int]:
    """Positions of the URL's arguments that are object ids (an int converter or a primary-key lookup)."""
    resolver, url_name = _resolver_of(name)
    _possibilities, pattern, _defaults, _converters = resolver.reverse_dict.getlist(url_name)[0]
    groups = dict(re.findall(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", pattern))
    return [
        i
        for i, param in enumerate(url_params(name))
        if param == "pk" or param.endswith("_pk") or (groups.get(param) == "[0-9]+" and param != "year")
    ]


def refused_by_the_form(response) -> bool:
    """A page whose form refuses the facility field (a choice among the user's facilities only)."""
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return form is not None and form.is_bound and "facility" in form.errors


@dataclass(frozen=True)
class Case:
    row: Row
    scenario: str  # other-facility, other-team, other-facility-mixed, other-team-mixed, own-other-stay-mixed
    persona: str
    nth: int = 0  # the matrix has a few rows of the same URL and method (other query or data)

    @property
    def id(self) -> str:
        return f"{self.row.id}{f'-{self.nth + 1}' if self.nth else ''}-{self.scenario}"


def _attacker(row: Row) -> str | None:
    return next((p for p in ATTACKERS if row.expected[p] not in REFUSED), None)


def cases() -> list[Case]:
    found = []
    seen: dict[str, int] = {}
    for row in MATRIX:
        persona = _attacker(row)
        if persona is None or row.key.startswith("admin:") or row.id in SHARED_OBJECTS:
            continue  # nobody of the clinic gets in, the admin site (not facility-scoped), shared objects
        if len(set(row.expected.values())) == 1:
            continue  # the same answer for everyone: public or patient-link pages (the token is the credential)
        ids = id_positions(row.name) if not row.path else []
        has_query_ids = row.data is not None and row.id not in DATA_WITHOUT_IDS and not ids
        if not ids and not has_query_ids:
            continue
        team_scoped = persona == "treating" and row.expected["other_team"] in REFUSED
        nth = seen[row.id] = seen.get(row.id, -1) + 1
        found.append(Case(row, "other-facility", persona, nth))
        if team_scoped:
            found.append(Case(row, "other-team", persona, nth))
        if len(ids) >= 2:
            found.append(Case(row, "other-facility-mixed", persona, nth))
            params = url_params(row.name)
            if any(params[i] not in FACILITY_LEVEL_PARAMS for i in ids[1:]):  # a stay's object is swapped
                if team_scoped:
                    found.append(Case(row, "other-team-mixed", persona, nth))
                found.append(Case(row, "own-other-stay-mixed", persona, nth))
    return found


CASES = cases()


def test_idor_case_count():
    """The figure of the closing note (``-k count -s``)."""
    by_scenario = {}
    for case in CASES:
        by_scenario[case.scenario] = by_scenario.get(case.scenario, 0) + 1
    rows = len({(case.row.id, case.nth) for case in CASES})
    print(f"\nIDOR cases: {len(CASES)} ({rows} matrix rows with object ids; {dict(sorted(by_scenario.items()))})")
    assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique (xdist)"
    assert CASES


@pytest.fixture
def other_facility_objects(make_stay, other_facility):
    lead, social, physician = team_of(other_facility, "kas")
    stay = stay_with_team(make_stay, facility=other_facility, lead=lead, social_worker=social)
    return object_set(stay=stay, lead=lead, social_worker=social, other_user=physician)


@pytest.fixture
def other_team_objects(make_stay, facility, other_team_clinician):
    lead, social, physician = team_of(facility, "team2")
    stay = stay_with_team(make_stay, facility=facility, lead=lead, social_worker=social)
    return object_set(stay=stay, lead=lead, social_worker=social, other_user=physician)


@pytest.fixture
def own_other_stay_objects(make_stay, treating_psychologist, social_worker, other_team_clinician):
    stay = make_stay()  # the same care team as the shared stay
    return object_set(
        stay=stay, lead=treating_psychologist, social_worker=social_worker, other_user=other_team_clinician
    )


FOREIGN_SET = {
    "other-facility": "other_facility_objects",
    "other-team": "other_team_objects",
    "other-facility-mixed": "other_facility_objects",
    "other-team-mixed": "other_team_objects",
    "own-other-stay-mixed": "own_other_stay_objects",
}


def _ids(args: list, positions: list[int]) -> list:
    return [args[i] for i in positions]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_foreign_object_id_answers_404_and_changes_nothing(request, objects, case: Case):  # noqa: F811
    row = case.row
    mine = objects
    foreign = request.getfixturevalue(FOREIGN_SET[case.scenario])
    positions = id_positions(row.name)
    own_args = row.args(mine)
    args = row.args(foreign)
    data = row.data(foreign) if row.data else {}
    if case.scenario.endswith("-mixed"):
        args = [own_args[0], *args[1:]]
    swapped = _ids(args, positions) != _ids(own_args, positions) or data != (row.data(mine) if row.data else {})
    assert swapped, f"{case.id}: the row's args give the same ids for another stay (add it to DATA_WITHOUT_IDS?)"
    url = reverse(row.name, args=args)
    client = _client(request, case.persona)
    foreign_stay = foreign["stay"]
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = database_fingerprint() if row.method != "get" else None

    response = getattr(client, row.method)(url, data)

    where = f"{row.method.upper()} {url} {data or ''} as {case.persona} ({case.scenario})"
    if positions:
        assert response.status_code == 404, where
    else:  # the facility is a form field: refused like a wrong choice, nothing of the other facility shown
        assert response.status_code == 404 or refused_by_the_form(response), where
    new_audit = AuditEntry.objects.filter(pk__gt=last_audit)
    assert not new_audit.filter(stay_id=foreign_stay.pk).exists(), "an audit row names the foreign stay"
    assert not new_audit.filter(patient_id=foreign_stay.patient_id).exists(), "an audit row names the foreign patient"
    if before is not None:
        assert not changed_tables(before, database_fingerprint()), f"{case.id} wrote data"


def test_every_attacker_is_a_persona():
    assert set(ATTACKERS) <= set(FIXTURE_OF)


def test_the_fingerprint_sees_a_write_to_another_stay(other_facility_objects):
    """The "nothing written" check would catch a write: an external contact saved for the foreign stay shows."""
    from patients import services
    from patients.models import ContactKind, ExternalContact

    stay = other_facility_objects["stay"]
    before = database_fingerprint()
    services.contact_save(
        by=other_facility_objects["membership"].user,
        contact=ExternalContact(stay=stay, kind=ContactKind.PAYER, organisation="DRV Bund"),
    )
    assert "patients.externalcontact" in changed_tables(before, database_fingerprint())
