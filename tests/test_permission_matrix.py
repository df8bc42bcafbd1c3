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
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from patients import services
from patients.documents import invitation_create
from patients.models import ConsentKind, ContactKind, DocumentKind, ExternalContact, LinkPurpose
from patients.services import RenderedDocument
from tests.compliance import matrix_catalogue, matrix_dashboard, matrix_exports, matrix_selfassessment  # noqa: E402
from tests.diagnostics import matrix_comparison, matrix_conference, matrix_profiles  # noqa: E402
from tests.goals import matrix as matrix_goals  # noqa: E402
from tests.permissions import (  # noqa: E402
    ADMIN_SITE,
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
    stay,
)
from tests.privacy import matrix_privacy  # noqa: E402
from tests.reintegration import matrix_checklists, matrix_letter, matrix_plan, matrix_rtw, matrix_sickleave  # noqa: E402
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
    # Django's admin (staff accounts and facility settings for the admin role). Every admin pattern is wrapped by
    # AdminSite.admin_view; these rows sample each kind of page for the two models the admin role manages.
    Row("admin:index", "get", lambda o: [], ADMIN_SITE),
    Row("admin:staff_user_changelist", "get", lambda o: [], ADMIN_SITE),
    Row("admin:staff_user_add", "get", lambda o: [], ADMIN_SITE),
    Row("admin:staff_user_change", "get", lambda o: [o["other_user"].pk], ADMIN_SITE),
    Row("admin:patients_facility_changelist", "get", lambda o: [], ADMIN_SITE),
    Row("admin:patients_facility_change", "get", lambda o: [o["stay"].facility_id], ADMIN_SITE),
]

MATRIX += matrix_results.ROWS + matrix_assignment.ROWS + matrix_reports.ROWS + matrix_instruments.ROWS + matrix_api.ROWS
MATRIX += matrix_link.ROWS
MATRIX += matrix_sessions.ROWS + matrix_training.ROWS + matrix_progress.ROWS
MATRIX += matrix_goals.ROWS + matrix_profiles.ROWS + matrix_comparison.ROWS + matrix_conference.ROWS
MATRIX += matrix_sickleave.ROWS + matrix_plan.ROWS + matrix_rtw.ROWS + matrix_checklists.ROWS + matrix_letter.ROWS
MATRIX += matrix_dashboard.ROWS + matrix_exports.ROWS + matrix_catalogue.ROWS + matrix_selfassessment.ROWS
MATRIX += matrix_two_factor.ROWS + matrix_privacy.ROWS

# Admin patterns are covered by the sampled rows above (same AdminSite.admin_view wrapper for every one).
COVERED_BY_ADMIN_SAMPLE = "admin:"


@pytest.fixture
def objects(stay, social_worker, other_team_clinician, treating_psychologist):
    consent = services.consent_give(
        by=social_worker, stay=stay, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 11, 3)
    )
    contact = services.contact_save(
        by=social_worker, contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Muster GmbH")
    )
    # The matrix is about access, not rendering: a stored document without WeasyPrint keeps ~1,700 cases fast.
    document = services.document_store(
        by=treating_psychologist,
        stay=stay,
        kind=DocumentKind.INVITATION_LETTER,
        rendered=RenderedDocument(filename="einladung.pdf", content_type="application/pdf", content=b"%PDF-1.7\n"),
    )
    link, token = services.patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
    return {
        "stay": stay,
        "membership": stay.care_team.get(user=social_worker),
        "consent": consent,
        "contact": contact,
        "document": document,
        "link": link,
        "token": token,
        "other_user": other_team_clinician,
    }


def _client(request, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    user = request.getfixturevalue(FIXTURE_OF[persona])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mark_verified(client, user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}")
def test_permission_matrix(request, objects, row: Row, persona: str):
    url = reverse(row.name, args=row.args(objects))
    client = _client(request, persona)
    data = row.data(objects) if row.data else {}
    response = getattr(client, row.method)(url, data)
    assert response.status_code == row.expected[persona], f"{row.method.upper()} {url} as {persona}"


def _all_pattern_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _all_pattern_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_is_in_the_matrix():
    in_matrix = {row.name for row in MATRIX}
    missing = [
        name
        for name in _all_pattern_names(get_resolver().url_patterns)
        if name not in in_matrix and not (name or "").startswith(COVERED_BY_ADMIN_SAMPLE)
    ]
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"


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
