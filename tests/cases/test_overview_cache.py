"""The case overview's cached content (cases/overview_cache.py): served again only while nothing it shows changed.

Each test reads the overview, changes one thing the way the app does (a service with its audit row, a plain model
save, a setting outside the stay, the clock, the language, another reader) and reads again: the second page must show
the change. Hits are recognised by their query count (the composed page costs ~50 queries, a cached one 7).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases import overview_cache
from patients import services
from patients.models import ConsentKind, ContactKind, ExternalContact, LinkPurpose, TeamFunction
from tests.conftest import login
from wmr import stay_versions
from wmr.models import AuditEntry

HIT_QUERIES = 8  # session, user, the stay with its access check, the audit row, the session's renewal (and margin)

pytestmark = pytest.mark.django_db


def _url(stay):
    return reverse("cases:overview", args=[stay.pk])


def _read(client, stay) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_url(stay))
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_second_read_is_served_from_the_cache_and_equals_a_composed_page(stay, treating_psychologist):
    client = login(treating_psychologist)
    first, composed = _read(client, stay)
    second, cached = _read(client, stay)
    assert cached <= HIT_QUERIES < composed
    assert _without_tokens(second) == _without_tokens(first)
    assert overview_cache.CSRF_PLACEHOLDER not in second


@freeze_time("2026-12-06 10:00:00+01:00")
def test_every_read_from_the_cache_is_still_audit_logged(stay, treating_psychologist):
    client = login(treating_psychologist)
    _read(client, stay)
    before = AuditEntry.objects.filter(action="patients.stay.viewed", stay_id=stay.pk).count()
    _html, queries = _read(client, stay)
    assert queries <= HIT_QUERIES
    assert AuditEntry.objects.filter(action="patients.stay.viewed", stay_id=stay.pk).count() == before + 1


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_write_through_a_service_shows_on_the_next_read(stay, treating_psychologist, social_worker):
    client = login(treating_psychologist)
    html, _ = _read(client, stay)
    assert "Werkstatt Sonnenhof" not in html
    services.contact_save(
        by=social_worker,
        contact=ExternalContact(stay=stay, kind=ContactKind.EMPLOYER, organisation="Werkstatt Sonnenhof"),
    )
    html, queries = _read(client, stay)
    assert "Werkstatt Sonnenhof" in html
    assert queries > HIT_QUERIES  # composed anew


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_plain_model_save_without_an_audit_row_shows_on_the_next_read(stay, treating_psychologist):
    client = login(treating_psychologist)
    _read(client, stay)
    ExternalContact.objects.create(stay=stay, kind=ContactKind.EMPLOYER, organisation="Spedition Nordlicht GmbH")
    html, _ = _read(client, stay)
    assert "Spedition Nordlicht GmbH" in html


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_read_during_a_write_never_keeps_the_old_page_after_the_commit(
    stay, treating_psychologist, django_capture_on_commit_callbacks
):
    client = login(treating_psychologist)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ExternalContact.objects.create(stay=stay, kind=ContactKind.EMPLOYER, organisation="Spät AG")
        # another request reads in between; the version is bumped again on commit
        overview_cache.cached_content(
            stay_id=stay.pk,
            user_id=treating_psychologist.pk,
            now=timezone.now(),
            csrf_token="t",
            render=lambda placeholder: ("<p>the page before the commit</p>", timezone.now() + dt.timedelta(days=1)),
        )
    html, _ = _read(client, stay)
    assert "Spät AG" in html
    assert "the page before the commit" not in html


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_write_rolled_back_never_shows(stay, treating_psychologist):
    client = login(treating_psychologist)
    _read(client, stay)
    with pytest.raises(RuntimeError), transaction.atomic():
        ExternalContact.objects.create(stay=stay, kind=ContactKind.EMPLOYER, organisation="Never stored AG")
        raise RuntimeError("rolled back")
    html, _queries = _read(client, stay)
    assert "Never stored AG" not in html
    assert stay.number in html


@freeze_time("2026-12-06 10:00:00+01:00")
def test_the_patients_name_changed_shows_in_the_header(stay, treating_psychologist):
    client = login(treating_psychologist)
    _read(client, stay)
    patient = stay.patient
    patient.last_name = "Umbenannt"
    patient.save()
    html, _ = _read(client, stay)
    assert "Umbenannt" in html


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_change_outside_any_stay_rebuilds_every_overview(make_stay, treating_psychologist):
    first, second = make_stay(), make_stay()
    client = login(treating_psychologist)
    _read(client, first)
    _read(client, second)
    facility = first.facility
    facility.short_name = "Klinik am Neuen Namen"
    facility.save()
    assert "Klinik am Neuen Namen" in _read(client, first)[0]
    assert "Klinik am Neuen Namen" in _read(client, second)[0]


@freeze_time("2026-12-06 10:00:00+01:00")
def test_another_stays_write_keeps_this_stays_page_cached(make_stay, treating_psychologist, social_worker):
    mine, other = make_stay(), make_stay()
    client = login(treating_psychologist)
    _read(client, mine)
    services.consent_give(by=social_worker, stay=other, kind=ConsentKind.EMPLOYER, given_on=dt.date(2026, 12, 6))
    _html, queries = _read(client, mine)
    assert queries <= HIT_QUERIES


def test_the_next_day_composes_the_page_anew(stay, treating_psychologist):
    client = login(treating_psychologist, language="en")
    with freeze_time("2026-12-06 10:00:00+01:00"):
        day = stay.day(dt.date(2026, 12, 6))
        assert f"Day {day} of the stay" in _read(client, stay)[0]
    with freeze_time("2026-12-07 08:00:00+01:00"):
        client = login(treating_psychologist, language="en")
        assert f"Day {day + 1} of the stay" in _read(client, stay)[0]


@freeze_time("2026-12-06 10:00:00+01:00")
def test_each_language_has_its_own_page(stay, treating_psychologist):
    german, _ = _read(login(treating_psychologist), stay)
    english, _ = _read(login(treating_psychologist, language="en"), stay)
    assert "Einwilligungen" in german
    assert "Consents" in english
    assert "Einwilligungen" not in english


@freeze_time("2026-12-06 10:00:00+01:00")
def test_each_reader_gets_their_own_page(stay, treating_psychologist, treating_physician):
    services.careteam_add(by=treating_psychologist, stay=stay, user=treating_physician, function=TeamFunction.PHYSICIAN)
    psychologist, _ = _read(login(treating_psychologist), stay)
    physician, _ = _read(login(treating_physician), stay)
    assert 'data-testid="record-contraindications"' in physician  # only physicians record the check
    assert 'data-testid="record-contraindications"' not in psychologist
    again, queries = _read(login(treating_psychologist), stay)
    assert 'data-testid="record-contraindications"' not in again
    assert queries <= HIT_QUERIES


@freeze_time("2026-12-06 10:00:00+01:00")
def test_joining_the_care_team_shows_the_edit_buttons(stay, treating_psychologist, treating_physician):
    assert login(treating_physician).get(_url(stay)).status_code == 404
    services.careteam_add(by=treating_psychologist, stay=stay, user=treating_physician, function=TeamFunction.PHYSICIAN)
    html, _ = _read(login(treating_physician), stay)
    assert reverse("patients:stay-edit", args=[stay.pk]) in html


def test_a_patient_link_shows_expired_after_it_expires_the_same_day(stay, treating_psychologist):
    with freeze_time("2026-12-06 09:00:00+01:00"):
        link, _raw = services.patient_link_create(
            by=treating_psychologist, stay=stay, purpose=LinkPurpose.PRE_ADMISSION
        )
    expires = link.expires_at
    with freeze_time(expires - dt.timedelta(minutes=5)):
        client = login(treating_psychologist, language="en")
        html, _ = _read(client, stay)
        before, queries = _read(client, stay)
        assert queries <= HIT_QUERIES
    with freeze_time(expires + dt.timedelta(minutes=5)):
        client = login(treating_psychologist, language="en")
        after, _ = _read(client, stay)
    assert after != before
    assert "expired" in after


@freeze_time("2026-12-06 10:00:00+01:00")
def test_a_form_on_a_cached_page_posts_with_the_readers_own_token(stay, treating_psychologist):
    login(treating_psychologist).get(_url(stay))  # another session fills the cache
    client = Client(enforce_csrf_checks=True)
    client.force_login(treating_psychologist, backend="django.contrib.auth.backends.ModelBackend")
    from tests.two_factor_support import mark_verified

    mark_verified(client, treating_psychologist)
    html, queries = _read(client, stay)
    assert queries <= HIT_QUERIES
    action = reverse("patients:invitation-create", args=[stay.pk])
    form = html[html.index(f'action="{action}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code != 403


class _UnreachableCache:
    """Django's cache when Redis is down: every call raises."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


@freeze_time("2026-12-06 10:00:00+01:00")
def test_an_unreachable_cache_composes_the_page(stay, treating_psychologist, monkeypatch):
    client = login(treating_psychologist)
    monkeypatch.setattr(overview_cache, "cache", _UnreachableCache())
    monkeypatch.setattr(stay_versions, "cache", _UnreachableCache())
    html, queries = _read(client, stay)
    assert stay.number in html
    assert queries > HIT_QUERIES
    ExternalContact.objects.create(stay=stay, kind=ContactKind.EMPLOYER, organisation="Ohne Cache GmbH")
    assert "Ohne Cache GmbH" in _read(client, stay)[0]
