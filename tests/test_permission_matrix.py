"""The permission matrix: every URL pattern × every persona × the expected status (pretix's test_permissions shape).

Personas: the treating psychologist and the social worker are on the stay's care team; the other-team clinician
works in the same clinic on another team; management, privacy officer and admin are on no care team.
A stay outside your care team answers 404, never 403 (issue 3). A URL pattern missing here fails
``test_every_url_pattern_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver, resolve, reverse

from patients import services
from patients.documents import invitation_create
from patients.models import ConsentKind, ContactKind, ExternalContact, LinkPurpose
from tests import matrix_admin  # noqa: E402
from tests.compliance import matrix_catalogue, matrix_dashboard, matrix_exports, matrix_selfassessment  # noqa: E402
from tests.diagnostics import matrix_comparison, matrix_conference, matrix_profiles  # noqa: E402
from tests.disclosure import matrix as matrix_disclosure  # noqa: E402
from tests.goals import matrix as matrix_goals  # noqa: E402
from tests.idor_support import object_set  # noqa: E402
from tests.integrity import matrix as matrix_integrity  # noqa: E402
from tests.interop import matrix as matrix_interop  # noqa: E402
from tests.permissions import (  # noqa: E402
    API_LIST,
    API_LOGGED_IN,
    API_TEAM,
    CLINICIANS,
    FIXTURE_OF,
    LOGGED_IN,
    PERSONAS,
    POST_ONLY_GET,
    PRIVACY_OFFICER_ONLY,
    PUBLIC,
    TEAM_READ,
    TEAM_WRITE_FORM,
    TEAM_WRITE_POST,
    Row,
    expect,
    pattern_keys,
    stay,
)
from tests.privacy import matrix_privacy  # noqa: E402
from tests.reintegration import matrix_checklists, matrix_letter, matrix_plan, matrix_rtw, matrix_sickleave  # noqa: E402
from tests.reminders import matrix as matrix_reminders  # noqa: E402
from tests.screening import (  # noqa: E402
    matrix_api,
    matrix_assignment,
    matrix_instruments,
    matrix_link,
    matrix_reports,
    matrix_results,
)
from tests.staff import matrix_two_factor  # noqa: E402
from tests.therapy import matrix_progress, matrix_sessions, matrix_training  # noqa: E402
from tests.two_factor_support import mark_verified  # noqa: E402

MATRIX: list[Row] = [
    Row("home", "get", lambda o: [], expect(302)),
    Row("healthz", "get", lambda o: [], PUBLIC),
    Row("login", "get", lambda o: [], expect(302, anonymous=200)),  # logged-in users are sent on
    Row("logout", "post", lambda o: [], expect(302)),
    Row("set_language", "post", lambda o: [], expect(302), data=lambda o: {"language": "en", "next": "/"}),
    Row("audit:list", "get", lambda o: [], PRIVACY_OFFICER_ONLY),
    Row("audit:export", "get", lambda o: [], PRIVACY_OFFICER_ONLY),
    Row("cases:worklist", "get", lambda o: [], LOGGED_IN),
    Row("cases:overview", "get", stay, TEAM_READ),
    Row("patients:create", "get", lambda o: [], CLINICIANS),
    Row("patients:stay-edit", "get", stay, TEAM_WRITE_FORM),
    Row("patients:patient-edit", "get", stay, TEAM_WRITE_FORM),
    Row("patients:stay-history", "get", stay, TEAM_READ),
    Row("patients:careteam", "get", stay, TEAM_WRITE_FORM),
    Row("patients:careteam-remove", "post", lambda o: [o["stay"].pk, o["membership"].pk], TEAM_WRITE_POST),
    Row("patients:careteam-remove", "get", lambda o: [o["stay"].pk, o["membership"].pk], POST_ONLY_GET),
    Row("patients:consent-create", "get", stay, TEAM_WRITE_FORM),
    Row("patients:consent-withdraw", "get", lambda o: [o["stay"].pk, o["consent"].pk], TEAM_WRITE_FORM),
    Row("patients:contact-create", "get", stay, TEAM_WRITE_FORM),
    Row("patients:contact-edit", "get", lambda o: [o["stay"].pk, o["contact"].pk], TEAM_WRITE_FORM),
    Row("patients:contact-delete", "post", lambda o: [o["stay"].pk, o["contact"].pk], TEAM_WRITE_POST),
    Row("patients:contact-delete", "get", lambda o: [o["stay"].pk, o["contact"].pk], POST_ONLY_GET),
    Row("patients:contact-event", "get", lambda o: [o["stay"].pk, o["contact"].pk], TEAM_WRITE_FORM),
    Row("patients:invitation-create", "post", stay, TEAM_WRITE_POST),
    Row("patients:invitation-create", "get", stay, POST_ONLY_GET),
    Row("patients:document-download", "get", lambda o: [o["stay"].pk, o["document"].pk], TEAM_READ),
    Row("patients:link-revoke", "post", lambda o: [o["stay"].pk, o["link"].pk], TEAM_WRITE_POST),
    Row("patients:link-revoke", "get", lambda o: [o["stay"].pk, o["link"].pk], POST_ONLY_GET),
    Row("patient_link:entry", "get", lambda o: [], PUBLIC),
    Row("patient_link:landing", "get", lambda o: [o["token"]], PUBLIC),
    Row("api:schema", "get", lambda o: [], API_LOGGED_IN),
    Row("api:docs", "get", lambda o: [], API_LOGGED_IN),
    Row("api:stay-list", "get", lambda o: [], API_LIST),
    Row("api:stay-detail", "get", stay, API_TEAM),
    Row("api:patient-list", "get", lambda o: [], API_LIST),
    Row("api:patient-detail", "get", lambda o: [o["stay"].patient_id], API_TEAM),
]

MATRIX += matrix_results.ROWS + matrix_assignment.ROWS + matrix_reports.ROWS + matrix_instruments.ROWS + matrix_api.ROWS
MATRIX += matrix_link.ROWS
MATRIX += matrix_sessions.ROWS + matrix_training.ROWS + matrix_progress.ROWS
MATRIX += matrix_goals.ROWS + matrix_profiles.ROWS + matrix_comparison.ROWS + matrix_conference.ROWS
MATRIX += matrix_sickleave.ROWS + matrix_plan.ROWS + matrix_rtw.ROWS + matrix_checklists.ROWS + matrix_letter.ROWS
MATRIX += matrix_dashboard.ROWS + matrix_exports.ROWS + matrix_catalogue.ROWS + matrix_selfassessment.ROWS
MATRIX += matrix_two_factor.ROWS + matrix_privacy.ROWS
MATRIX += matrix_disclosure.ROWS + matrix_integrity.ROWS + matrix_reminders.ROWS + matrix_interop.ROWS  # issue 11
MATRIX += matrix_admin.ROWS  # every page of every registered ModelAdmin and of the admin site


@pytest.fixture
def objects(stay, social_worker, other_team_clinician, treating_psychologist):
    # The matrix is about access, not rendering: a stored document without WeasyPrint keeps ~2,600 cases fast.
    return object_set(
        stay=stay, lead=treating_psychologist, social_worker=social_worker, other_user=other_team_clinician
    )


def _client(request, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    user = request.getfixturevalue(FIXTURE_OF[persona])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mark_verified(client, user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.id)
def test_permission_matrix(request, objects, row: Row, persona: str):
    url = row.url(objects)
    if row.pattern:  # a URL written out must hit the unnamed pattern it claims to cover
        match = resolve(url.split("?")[0])
        assert ":".join([*match.namespaces, match.route]) == row.pattern, url
    client = _client(request, persona)
    data = row.data(objects) if row.data else {}
    response = getattr(client, row.method)(url, data)
    assert response.status_code == row.expected[persona], f"{row.method.upper()} {url} as {persona}"
    if row.key.startswith("admin:") and persona != "admin" and response.status_code == 302:
        # non-staff are sent to the admin login; admin_view sends a logout to the admin index
        target = reverse("admin:index") if row.name == "admin:logout" else reverse("admin:login")
        assert response["Location"].startswith(target), "non-staff are sent to the admin login"


def url_pattern_coverage() -> tuple[list[str], list[str]]:
    """(all URL patterns of the resolver, those without a row in the matrix), every namespace included."""
    keys = list(pattern_keys(get_resolver().url_patterns))
    in_matrix = {row.key for row in MATRIX}
    return keys, [key for key in keys if key not in in_matrix]


def test_every_url_pattern_is_in_the_matrix():
    keys, missing = url_pattern_coverage()
    assert len(set(keys)) == len(keys), "two URL patterns share a key: give them names"
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"


def test_url_pattern_coverage_figure():
    """The figure of the closing note (``pytest tests/test_permission_matrix.py -k coverage -s`` prints it): every
    pattern of the resolver, admin included, is covered."""
    keys, missing = url_pattern_coverage()
    print(f"\nURL patterns in the matrix: {len(keys) - len(missing)}/{len(keys)}")
    print(f"Permission-matrix cases: {len(MATRIX) * len(PERSONAS)} ({len(MATRIX)} rows x {len(PERSONAS)} personas)")
    assert len(keys) - len(missing) == len(keys) > 0


def test_every_row_names_a_url_pattern():
    """A row of a pattern that no longer exists would inflate the figure."""
    keys = set(pattern_keys(get_resolver().url_patterns))
    assert not [row.key for row in MATRIX if row.key not in keys]


def test_every_persona_has_an_expectation_in_every_row():
    assert all(set(row.expected) == set(PERSONAS) for row in MATRIX)


@pytest.mark.parametrize(
    "name",
    [
        "consent-withdraw",
        "contact-edit",
        "contact-event",
        "document-download",
        "careteam-remove",
        "link-revoke",
        "contact-delete",
    ],
)
def test_an_object_of_another_stay_under_my_stays_url_answers_404(
    request, objects, make_stay, treating_psychologist, social_worker, name
):
    """Both stays are mine; the object belongs to stay B, the URL names stay A: never served, never changed."""
    other = make_stay()
    consent = services.consent_give(by=social_worker, stay=other, kind=ConsentKind.PAYER, given_on=dt.date(2026, 11, 3))
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=other, kind=ContactKind.PAYER, organisation="DRV")
    )
    document = invitation_create(by=treating_psychologist, stay=other)
    link, _ = services.patient_link_create(by=treating_psychologist, stay=other, purpose=LinkPurpose.PRE_ADMISSION)
    membership = other.care_team.get(user=social_worker)
    foreign = {
        "consent-withdraw": consent.pk,
        "contact-edit": contact.pk,
        "contact-event": contact.pk,
        "document-download": document.pk,
        "careteam-remove": membership.pk,
        "link-revoke": link.pk,
        "contact-delete": contact.pk,
    }
    method = "post" if name in {"careteam-remove", "link-revoke", "contact-delete"} else "get"
    client = _client(request, "treating")
    url = reverse(f"patients:{name}", args=[objects["stay"].pk, foreign[name]])
    assert getattr(client, method)(url).status_code == 404
    assert other.care_team.filter(pk=membership.pk).exists()
    assert other.contacts.filter(pk=contact.pk).exists()
    link.refresh_from_db()
    assert link.revoked_at is None
