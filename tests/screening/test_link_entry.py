"""The patient's own screening on the one-time link (S-2): autosave per answer, reload, one final submit with the
contacts, the friendly page for every unusable link, the wrong-token cool-down and tokens kept out of every log."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from patients import services, tokens
from patients.models import ContactKind, ExternalContact, LinkPurpose
from screening.instruments.loader import load_definition
from screening.models import Channel, InstrumentVersion, ScreeningDraft, ScreeningResult
from screening.services.instruments import setting_set
from screening.services.link_entry import draft_answers_save, link_screening_submit
from wmr.models import AuditEntry

# T1 of screening.md as the page posts it: 8+15+10+15+14+15+10 = 87, positive with simbo_27.
T1 = {
    "q-age": "52",
    "q-employment_status": "unemployed",
    "q-sick_leave_now": "yes",
    "q-sick_leave_12m": "3_to_6_months",
    "q-limitation": "7",
    "q-prognosis": "unemployment_or_pension",
    "q-motivation": "yes",
}
CONTACTS = {"bem_contact-person": "Frau Kaya", "bem_contact-email": "bem@firma.example"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def simbo(db):
    """The shipped DEMO-1 definition (a data migration stores it as an instrument version)."""
    definition = load_definition("simbo_c_demo_1.json")
    return InstrumentVersion.objects.get(code=definition["code"], version=definition["version"])


@pytest.fixture
def setting(stay, simbo, admin_user):
    return setting_set(
        by=admin_user,
        facility=stay.facility,
        department_code=stay.department_code,
        instrument=simbo,
        effective_from=dt.date(2020, 1, 1),
        preset_code="simbo_27",
    ).setting


@pytest.fixture
def link_and_token(stay, treating_psychologist, setting):
    return services.patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)


@pytest.fixture
def patient() -> Client:
    return Client()


def landing(token: str) -> str:
    return reverse("patient_link:landing", args=[token])


def answer_url(token: str) -> str:
    return reverse("screening_link:answer", args=[token])


def autosave(client: Client, token: str, name: str, value: str):
    return client.post(answer_url(token), {name: value}, **HTMX)


# --- the page ---------------------------------------------------------------------------------------------------------


def test_the_landing_page_shows_the_questionnaire_first_then_the_contacts(patient, link_and_token, stay):
    _link, raw = link_and_token
    response = patient.get(landing(raw))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="questionnaire"') < html.index('id="contacts"') < html.index('data-testid="final-submit"')
    assert "Frage 1 von 7" in html or "Question 1 of 7" in html
    assert "Wie alt sind Sie?" in html  # label_de of the age item: the clinic's language
    assert 'type="number"' in html and 'min="18"' in html and 'max="100"' in html
    assert html.count('type="radio"') == 5 + 2 + 5 + 4 + 3
    assert "htmx.min.js" in html and "X-CSRFToken" in html
    assert answer_url(raw) in html
    assert stay.patient.last_name not in html


def test_labels_are_english_when_the_language_cookie_says_en(patient, link_and_token, settings):
    _link, raw = link_and_token
    patient.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = patient.get(landing(raw)).content.decode()
    assert "Question 1 of 7" in html
    assert "How old are you?" in html and "Wie alt sind Sie?" not in html


def test_without_a_screening_setting_the_page_shows_only_the_contacts(patient, stay, treating_psychologist):
    _link, raw = services.patient_link_create(by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION)
    html = patient.get(landing(raw)).content.decode()
    assert 'id="questionnaire"' not in html
    assert 'name="occupational_physician-organisation"' in html


# --- autosave -----------------------------------------------------------------------------------------------------


def test_each_answer_is_saved_as_the_patient_goes_and_a_reload_shows_it(patient, link_and_token):
    link, raw = link_and_token
    assert autosave(patient, raw, "q-age", "52").status_code == 200
    response = autosave(patient, raw, "q-employment_status", "unemployed")
    assert 'data-state="saved"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    draft = ScreeningDraft.objects.get(link=link)
    assert draft.answers == {"age": 52, "employment_status": "unemployed"}
    html = patient.get(landing(raw)).content.decode()
    assert 'value="52"' in html
    assert 'value="unemployed" checked' in html
    link.refresh_from_db()
    assert link.used_at is None  # the link stays usable until the final submit


def test_a_yes_no_answer_and_a_cleared_number_are_kept_as_given(patient, link_and_token):
    link, raw = link_and_token
    autosave(patient, raw, "q-sick_leave_now", "yes")
    autosave(patient, raw, "q-limitation", "4")
    autosave(patient, raw, "q-limitation", "")
    assert ScreeningDraft.objects.get(link=link).answers == {"sick_leave_now": True}
    assert 'value="yes" checked' in patient.get(landing(raw)).content.decode()


def test_a_wrong_answer_gets_an_inline_message_and_is_not_saved(patient, link_and_token):
    """T6: limitation 11 is outside 0–10."""
    link, raw = link_and_token
    autosave(patient, raw, "q-limitation", "5")
    response = autosave(patient, raw, "q-limitation", "11")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="status-limitation"' in html and 'data-state="invalid"' in html
    assert "10" in html
    assert ScreeningDraft.objects.get(link=link).answers == {"limitation": 5}
    bad_option = autosave(patient, raw, "q-motivation", "maybe")
    assert 'data-state="invalid"' in bad_option.content.decode()
    assert "motivation" not in ScreeningDraft.objects.get(link=link).answers


def test_autosave_without_htmx_goes_back_to_the_page(patient, link_and_token):
    link, raw = link_and_token
    response = patient.post(answer_url(raw), {"q-age": "52"})
    assert response.status_code == 302 and response["Location"] == landing(raw)
    assert not ScreeningDraft.objects.filter(link=link).exists()


def test_without_javascript_a_post_keeps_the_answers_and_asks_before_leaving_questions_open(patient, link_and_token):
    link, raw = link_and_token
    partial = {k: v for k, v in T1.items() if k not in {"q-limitation", "q-motivation"}}
    response = patient.post(landing(raw), partial)
    assert response.status_code == 200
    assert response.context["confirm_missing"] == 2
    assert 'data-testid="confirm-incomplete"' in response.content.decode()
    assert not ScreeningResult.objects.exists()
    assert ScreeningDraft.objects.get(link=link).answers["age"] == 52
    link.refresh_from_db()
    assert link.used_at is None


def test_a_wrong_answer_in_the_final_post_is_shown_and_nothing_is_stored(patient, link_and_token):
    link, raw = link_and_token
    response = patient.post(landing(raw), T1 | {"q-limitation": "11", "confirm_incomplete": "1"} | CONTACTS)
    assert response.status_code == 200
    assert "limitation" in response.context["questionnaire"].errors
    html = response.content.decode()
    assert 'value="11"' in html and 'value="Frau Kaya"' in html
    assert not ScreeningResult.objects.exists() and not ExternalContact.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


# --- final submit -------------------------------------------------------------------------------------------------


def test_the_final_submit_scores_t1_stores_the_contacts_and_kills_the_link(patient, link_and_token, stay, setting):
    link, raw = link_and_token
    autosave(patient, raw, "q-age", "52")
    started = ScreeningDraft.objects.get(link=link).started_at
    response = patient.post(landing(raw), T1 | CONTACTS)
    assert response.status_code == 200
    assert stay.facility.name in response.content.decode()
    result = ScreeningResult.objects.get(stay=stay)
    assert (result.total, result.status) == (Decimal("87.0"), "positive")
    assert result.channel == Channel.PATIENT_LINK and result.link == link and result.entered_by is None
    assert result.started_at == started
    assert result.preset_code == "simbo_27" and result.rule == setting.rule
    assert result.answers["sick_leave_now"] is True
    assert ExternalContact.objects.get(stay=stay).kind == ContactKind.BEM_CONTACT
    assert not ScreeningDraft.objects.exists()
    link.refresh_from_db()
    assert link.used_at is not None
    assert patient.get(landing(raw)).status_code == 404
    assert autosave(patient, raw, "q-age", "60").status_code == 404


def test_contacts_are_optional_next_to_the_questionnaire(patient, link_and_token, stay):
    _link, raw = link_and_token
    assert patient.post(landing(raw), T1).status_code == 200
    assert ScreeningResult.objects.filter(stay=stay).count() == 1
    assert not ExternalContact.objects.exists()


def test_open_questions_are_allowed_once_confirmed_and_the_result_is_incomplete(patient, link_and_token, stay):
    """T5 through the link: limitation missing, missing_rule invalid → incomplete, no score."""
    _link, raw = link_and_token
    data = {k: v for k, v in T1.items() if k != "q-limitation"} | {"confirm_incomplete": "1"}
    assert patient.post(landing(raw), data).status_code == 200
    result = ScreeningResult.objects.get(stay=stay)
    assert result.status == "incomplete" and result.total is None and result.missing == ["limitation"]


def test_submitting_twice_in_two_tabs_stores_one_result(link_and_token, stay):
    _link, raw = link_and_token
    first, second = Client(), Client()
    assert first.get(landing(raw)).status_code == 200
    assert second.get(landing(raw)).status_code == 200
    assert first.post(landing(raw), T1 | CONTACTS).status_code == 200
    assert second.post(landing(raw), T1 | CONTACTS).status_code == 404
    assert ScreeningResult.objects.filter(stay=stay).count() == 1
    assert ExternalContact.objects.filter(stay=stay).count() == 1


def test_the_service_refuses_a_used_link_and_stores_nothing(link_and_token, setting, stay):
    from patients.errors import LinkInvalid

    link, _raw = link_and_token
    answers = {"age": "52", "motivation": "yes"}
    draft_answers_save(link=link, instrument=setting.instrument, answers=answers)
    link_screening_submit(link=link, setting=setting, answers=answers, contacts=[])
    with pytest.raises(LinkInvalid):
        link_screening_submit(link=link, setting=setting, answers=answers, contacts=[])
    assert ScreeningResult.objects.filter(stay=stay).count() == 1


# --- unusable links, cool-down, logs --------------------------------------------------------------------------------


@pytest.fixture
def unusable_tokens(make_stay, treating_psychologist, setting):
    now = timezone.now()
    used_link, used = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION
    )
    services.patient_link_use(link=used_link)
    _expired, expired = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION, now=now - dt.timedelta(days=31)
    )
    revoked_link, revoked = services.patient_link_create(
        by=treating_psychologist, stay=make_stay(), purpose=LinkPurpose.PRE_ADMISSION
    )
    services.patient_link_revoke(by=treating_psychologist, link=revoked_link)
    return {"unknown": tokens.new_token(), "used": used, "expired": expired, "revoked": revoked}


def test_used_expired_revoked_and_unknown_links_get_the_same_friendly_page(patient, unusable_tokens):
    pages = [patient.get(landing(token)) for token in unusable_tokens.values()]
    saves = [autosave(patient, token, "q-age", "52") for token in unusable_tokens.values()]
    assert {r.status_code for r in pages + saves} == {404}
    assert len({r.content for r in pages + saves}) == 1
    assert not ScreeningDraft.objects.exists()


def test_after_ten_wrong_tokens_in_a_minute_the_address_cools_down(link_and_token):
    _link, raw = link_and_token
    client = Client(REMOTE_ADDR="192.0.2.7")
    with freeze_time("2026-11-23 10:00:05"):
        assert [client.get(landing(tokens.new_token())).status_code for _ in range(10)] == [404] * 10
        assert client.get(landing(raw)).status_code == 200  # valid tokens do not count
        eleventh = client.get(landing(tokens.new_token()))
        assert eleventh.status_code == 429 and eleventh["Retry-After"] == "60"
        assert client.get(landing(raw)).status_code == 429  # the cool-down never confirms a guessed token
        assert Client(REMOTE_ADDR="192.0.2.8").get(landing(raw)).status_code == 200
    with freeze_time("2026-11-23 10:01:05"):
        assert client.get(landing(raw)).status_code == 200


def test_valid_tokens_keep_the_general_limit(link_and_token, settings):
    settings.PATIENT_LINK_RATE = "20/m"
    _link, raw = link_and_token
    client = Client(REMOTE_ADDR="192.0.2.9")
    with freeze_time("2026-11-23 10:00:05"):
        assert {client.get(landing(raw)).status_code for _ in range(20)} == {200}
        assert client.get(landing(raw)).status_code == 429


def test_the_token_never_reaches_the_audit_rows(patient, link_and_token, unusable_tokens):
    _link, raw = link_and_token
    patient.get(landing(raw))
    autosave(patient, raw, "q-age", "52")
    autosave(patient, raw, "q-age", "500")
    for token in unusable_tokens.values():
        patient.get(landing(token))
    patient.post(landing(raw), T1 | CONTACTS)
    rows = list(AuditEntry.objects.filter(path__startswith="/p/"))
    assert {row.action for row in rows} >= {
        "patients.link.opened",
        "screening.draft.saved",
        "patients.link.rejected",
        "screening.result.recorded",
        "patients.link.used",
    }
    secrets = [raw, *unusable_tokens.values()]
    for row in AuditEntry.objects.all():
        assert not any(secret in row.path or secret in str(row.data) for secret in secrets)
    assert {row.path for row in rows} <= {"/p/\u2026/", "/p/\u2026/answer/"}


def test_the_token_never_reaches_the_request_log(patient, link_and_token, unusable_tokens, caplog, settings):
    settings.PATIENT_LINK_RATE = "5/m"
    _link, raw = link_and_token
    with caplog.at_level(logging.DEBUG):
        for token in unusable_tokens.values():
            patient.get(landing(token))
        patient.put(landing(raw))
        for _ in range(3):
            patient.get(landing(raw))
    assert any(record.status_code == 429 for record in caplog.records if hasattr(record, "status_code"))
    # the redacted path ("…", which Django escapes as \u2026 in request-log arguments) is still logged
    assert any(record.getMessage().startswith("Not Found: /p/") for record in caplog.records)
    secrets = [raw, *unusable_tokens.values()]
    assert not any(secret in record.getMessage() for record in caplog.records for secret in secrets)


def test_the_log_handlers_redact_tokens_in_what_django_logs_before_the_view(link_and_token, caplog):
    """A refused CSRF check is logged by Django's middleware with the raw path; the console handler's filter
    (settings.LOGGING) rewrites it, so the written line never holds the token."""
    from patients.log_redaction import RedactLinkTokens

    _link, raw = link_and_token
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactLinkTokens) for f in h.filters)]
    assert handlers, "settings.LOGGING: the console handler must carry the redact_link_tokens filter"
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = Client(enforce_csrf_checks=True).post(landing(raw), T1)
    assert response.status_code == 403
    records = [record for record in caplog.records if record.name == "django.security.csrf"]
    assert records
    for record in records:
        assert handlers[0].filter(record)
        assert raw not in record.getMessage() and raw not in handlers[0].format(record)


def test_the_gunicorn_access_log_writes_link_paths_redacted():
    """gunicorn.conf.py (read by gunicorn from the working directory) sets a logger that redacts the token in the
    request line, the path and the referer of the access log."""
    import datetime
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    from gunicorn.config import Config

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    logger = conf["RedactingLogger"](Config())
    token = tokens.new_token()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/p/{token}/answer/",
        "PATH_INFO": f"/p/{token}/answer/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://klinik.example/p/{token}/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(seconds=1))
    line = " ".join(str(value) for value in atoms.values())
    assert token not in line
    assert atoms["r"] == "GET /p/\u2026/answer/ HTTP/1.1"


def test_autosaving_every_answer_does_not_use_up_the_page_limit(patient, link_and_token, settings):
    """A patient who answers quickly must never be locked out: autosave has its own budget (120/m)."""
    _, token = link_and_token
    settings.PATIENT_LINK_RATE = "3/m"
    for age in range(40, 46):  # six autosaves, twice the page limit
        response = autosave(patient, token, "age", str(age))
        assert response.status_code == 200
    assert patient.get(landing(token)).status_code == 200  # the page budget is untouched
