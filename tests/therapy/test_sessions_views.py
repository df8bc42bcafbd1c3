"""The contact log pages: quick log (htmx and plain), edit with optimistic concurrency and versions, cancel."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from therapy.models import SessionStatus, TherapySession
from therapy.services.sessions import session_change, session_log
from wmr.models import AuditEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def quick(stay, social_worker, **overrides):
    data = {
        "kind": "individual_counseling",
        "held_on": "2026-11-05",
        "start": "09:30",
        "minutes": "45",
        "status": "held",
        "staff": str(social_worker.pk),
        "note": "Erstgespräch",
        "topics": ["career_prospects"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def log(stay, by, **kwargs):
    values = {"kind": "individual_counseling", "held_on": dt.date(2026, 11, 5), "minutes": 50}
    return session_log(by=by, stay=stay, **{**values, **kwargs})


def test_the_contact_log_shows_the_quick_form_with_my_defaults_and_logs_the_read(stay, social_worker, client_for):
    response = client_for(social_worker).get(reverse("therapy:session-list", args=[stay.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["held_on"].value() == timezone.localdate()
    assert form["staff"].value() == social_worker.pk
    assert form["kind"].value() == "individual_counseling"
    html = response.content.decode()
    assert 'hx-post="/therapy/stays/' in html and "autofocus" in html
    assert AuditEntry.objects.filter(action="therapy.sessions.viewed", stay_id=stay.pk, user=social_worker).exists()


def test_an_htmx_quick_log_answers_with_the_new_row_and_a_fresh_form(stay, social_worker, client_for):
    client = client_for(social_worker)
    response = client.post(reverse("therapy:session-log", args=[stay.pk]), quick(stay, social_worker), **HTMX)
    assert response.status_code == 200
    session = TherapySession.objects.get()
    assert (session.minutes, session.start, session.topics) == (45, dt.time(9, 30), ["career_prospects"])
    html = response.content.decode()
    assert f'data-session="{session.pk}"' in html  # the new row …
    assert 'hx-swap-oob="afterbegin:#session-rows"' in html  # … on top of the log
    assert 'id="quick-log"' in html and 'value="45"' not in html  # … and a fresh form
    assert "Erstgespräch" in html  # the note is in the row only
    assert html.count("Erstgespräch") == 1


def test_the_last_used_kind_is_remembered_for_the_next_form(stay, social_worker, client_for):
    client = client_for(social_worker)
    client.post(
        reverse("therapy:session-log", args=[stay.pk]),
        quick(stay, social_worker, kind="work_group", topics=["job_anxiety"]),
        **HTMX,
    )
    response = client.get(reverse("therapy:session-list", args=[stay.pk]))
    assert response.context["form"]["kind"].value() == "work_group"


def test_without_htmx_a_quick_log_redirects_to_the_log(stay, social_worker, client_for):
    response = client_for(social_worker).post(
        reverse("therapy:session-log", args=[stay.pk]), quick(stay, social_worker)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("therapy:session-list", args=[stay.pk])
    assert TherapySession.objects.count() == 1


def test_a_wrong_quick_log_keeps_what_was_typed_and_stores_nothing(stay, social_worker, client_for):
    client = client_for(social_worker)
    url = reverse("therapy:session-log", args=[stay.pk])
    response = client.post(url, quick(stay, social_worker, minutes="601", note="bitte behalten"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "bitte behalten" in html and 'value="601"' in html
    assert "600" in html  # the message names the bound
    response = client.post(url, quick(stay, social_worker, minutes="40", held_on="2026-11-01"))
    assert response.status_code == 200
    assert "before the admission of" in response.content.decode()
    assert not TherapySession.objects.exists()


def test_a_held_session_in_the_future_is_refused_on_the_page(stay, social_worker, client_for):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(social_worker).post(
        reverse("therapy:session-log", args=[stay.pk]), quick(stay, social_worker, held_on=tomorrow), **HTMX
    )
    assert "future cannot be marked as held" in response.content.decode()
    assert not TherapySession.objects.exists()


def test_a_topic_of_another_kind_is_shown_at_the_topics(stay, social_worker, client_for):
    response = client_for(social_worker).post(
        reverse("therapy:session-log", args=[stay.pk]), quick(stay, social_worker, topics=["job_anxiety"]), **HTMX
    )
    assert 'data-error-for="topics"' in response.content.decode()


def test_the_log_page_costs_the_same_queries_for_one_or_many_sessions(stay, social_worker, client_for):
    client = client_for(social_worker)
    url = reverse("therapy:session-list", args=[stay.pk])
    log(stay, social_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for day in range(6, 16):
        log(stay, social_worker, held_on=dt.date(2026, 11, day), topics=["aftercare"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 11
    assert len(many) == len(one)


def test_the_edit_page_carries_the_version_and_shows_earlier_versions(stay, social_worker, client_for):
    session = log(stay, social_worker, minutes=50)
    session_change(by=social_worker, session=session, version=1, held_on=session.held_on, minutes=40, reason="typo")
    response = client_for(social_worker).get(reverse("therapy:session-edit", args=[stay.pk, session.pk]))
    html = response.content.decode()
    assert 'name="version" value="2"' in html
    assert "50" in html and "40" in html and "<del>50</del>" in html
    assert AuditEntry.objects.filter(action="therapy.session.viewed", stay_id=stay.pk).exists()


def test_a_stale_save_is_refused_with_a_message_and_keeps_the_typing(
    stay, social_worker, treating_psychologist, client_for
):
    session = log(stay, social_worker, minutes=50)
    url = reverse("therapy:session-edit", args=[stay.pk, session.pk])
    client = client_for(social_worker)
    client.get(url)  # opened at version 1
    session_change(by=treating_psychologist, session=session, version=1, held_on=session.held_on, minutes=40)
    data = quick(stay, social_worker, minutes="55", note="meine Änderung") | {"version": "1", "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "changed this session while you were editing" in html
    assert "meine Änderung" in html
    assert 'name="version" value="2"' in html  # saving again now is a deliberate choice
    session.refresh_from_db()
    assert (session.minutes, session.version) == (40, 2)


def test_a_current_save_changes_the_session(stay, social_worker, client_for):
    session = log(stay, social_worker, minutes=50)
    url = reverse("therapy:session-edit", args=[stay.pk, session.pk])
    response = client_for(social_worker).post(url, quick(stay, social_worker, minutes="55") | {"version": "1"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.minutes, session.version) == (55, 2)


def test_cancelling_keeps_the_session_readable_and_needs_a_reason(stay, social_worker, client_for):
    session = log(stay, social_worker)
    client = client_for(social_worker)
    url = reverse("therapy:session-cancel", args=[stay.pk, session.pk])
    assert client.post(url, {"cancel_reason": ""}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    client.post(url, {"cancel_reason": "falscher Patient", "version": "1"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    page = client.get(reverse("therapy:session-list", args=[stay.pk])).content.decode()
    assert 'data-status="cancelled"' in page and "falscher Patient" in page


def test_a_session_of_another_stay_under_my_stays_url_answers_404(make_stay, stay, social_worker, client_for):
    other = make_stay()
    foreign = log(other, social_worker)
    client = client_for(social_worker)
    assert client.get(reverse("therapy:session-edit", args=[stay.pk, foreign.pk])).status_code == 404
    response = client.post(reverse("therapy:session-cancel", args=[stay.pk, foreign.pk]), {"cancel_reason": "x"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == SessionStatus.HELD


def test_a_group_session_is_not_edited_under_the_stays_url(stay, work_group, log_group, social_worker, client_for):
    session = log_group(work_group, [stay], day=2)
    client = client_for(social_worker)
    assert client.get(reverse("therapy:session-edit", args=[stay.pk, session.pk])).status_code == 404
    page = client.get(reverse("therapy:session-list", args=[stay.pk])).content.decode()
    assert reverse("therapy:group-session-edit", args=[work_group.pk, session.pk]) in page


def test_a_clinician_of_another_team_cannot_log_for_the_stay(stay, other_team_clinician, social_worker, client_for):
    response = client_for(other_team_clinician).post(
        reverse("therapy:session-log", args=[stay.pk]), quick(stay, social_worker), **HTMX
    )
    assert response.status_code == 404
    assert not TherapySession.objects.exists()


def test_the_navigation_links_to_the_groups(stay, social_worker, client_for):
    page = client_for(social_worker).get(reverse("therapy:session-list", args=[stay.pk])).content.decode()
    assert reverse("therapy:group-list") in page
