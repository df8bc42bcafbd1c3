""" "My day": the clinician's planned sessions of today (one click marks one as held) and the current WMR stays of
their care teams with an open counseling bar, most urgent first, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from therapy.models import SessionStatus
from therapy.services.sessions import session_log
from wmr.models import AuditEntry

TODAY = dt.date(2026, 11, 23)
MY_DAY = "/therapy/my-day/"


@pytest.fixture(autouse=True)
def _today():
    with freeze_time("2026-11-23 09:00:00"):
        yield


def plan(stay, by, *, on=TODAY, staff=None, start=dt.time(9, 30)):
    return session_log(
        by=by,
        stay=stay,
        kind="individual_counseling",
        held_on=on,
        start=start,
        minutes=45,
        status=SessionStatus.PLANNED,
        staff=staff,
        today=TODAY,
    )


def stays_in_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-stay="(\d+)"', html)]


def test_my_day_url_is_therapy_my_day():
    assert reverse("therapy:my-day") == MY_DAY


def test_my_day_lists_only_my_planned_sessions_of_today(wmr_stay, social_worker, treating_psychologist, client_for):
    mine = plan(wmr_stay, social_worker)
    plan(wmr_stay, social_worker, on=TODAY + dt.timedelta(days=1))
    plan(wmr_stay, social_worker, staff=treating_psychologist)
    response = client_for(social_worker).get(MY_DAY)
    rows = response.context["sessions"]
    assert [row.session for row in rows] == [mine]
    assert rows[0].patients == [wmr_stay.patient.full_name]


def test_one_click_marks_a_planned_session_as_held_and_keeps_the_earlier_version(wmr_stay, social_worker, client_for):
    session = plan(wmr_stay, social_worker)
    response = client_for(social_worker).post(reverse("therapy:my-day-held", args=[session.pk]), {"version": 1})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.version) == (SessionStatus.HELD, 2)
    assert [h.status for h in session.history.order_by("history_id")] == ["planned", "held"]
    assert AuditEntry.objects.filter(action="therapy.session.changed", stay_id=wmr_stay.pk).exists()


def test_marking_held_with_htmx_swaps_the_session_list_in_place(wmr_stay, social_worker, client_for):
    session = plan(wmr_stay, social_worker)
    with translation.override("en"):
        response = client_for(social_worker, language="en").post(
            reverse("therapy:my-day-held", args=[session.pk]), {"version": 1}, HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="no-sessions"' in html
    assert "Marked as held" in html
    assert "<html" not in html


def test_a_session_changed_meanwhile_is_not_marked_held(wmr_stay, social_worker, client_for):
    session = plan(wmr_stay, social_worker)
    with translation.override("en"):
        response = client_for(social_worker, language="en").post(
            reverse("therapy:my-day-held", args=[session.pk]), {"version": 0}, HTTP_HX_REQUEST="true"
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert "Someone else changed this session" in response.content.decode()


def test_a_missing_version_is_a_message_not_an_error(wmr_stay, social_worker, client_for):
    session = plan(wmr_stay, social_worker)
    response = client_for(social_worker).post(reverse("therapy:my-day-held", args=[session.pk]), {}, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert len(list(response.context["messages"])) == 1


def test_someone_elses_session_cannot_be_marked_held_from_my_day(
    wmr_stay, social_worker, treating_psychologist, client_for
):
    session = plan(wmr_stay, social_worker)
    response = client_for(treating_psychologist).post(reverse("therapy:my-day-held", args=[session.pk]), {"version": 1})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_a_planned_session_of_another_day_cannot_be_marked_held_from_my_day(wmr_stay, social_worker, client_for):
    session = plan(wmr_stay, social_worker, on=TODAY + dt.timedelta(days=1))
    response = client_for(social_worker).post(reverse("therapy:my-day-held", args=[session.pk]), {"version": 1})
    assert response.status_code == 404


def test_open_counseling_bars_are_listed_most_urgent_first(
    make_wmr_stay, make_stay, log_individual, social_worker, client_for
):
    overdue = make_wmr_stay(admission_date=dt.date(2026, 11, 2))  # day 22, no counseling
    due_soon = make_wmr_stay(admission_date=dt.date(2026, 11, 12))  # day 12
    not_yet_due = make_wmr_stay(admission_date=dt.date(2026, 11, 20))  # day 4
    short_near_discharge = make_wmr_stay(admission_date=dt.date(2026, 11, 2), discharge_date=dt.date(2026, 11, 27))
    log_individual(short_near_discharge, 30, day=3)
    done = make_wmr_stay(admission_date=dt.date(2026, 11, 2))
    log_individual(done, 90, day=3)
    make_stay(admission_date=dt.date(2026, 11, 2))  # no WMR decision
    make_wmr_stay(admission_date=dt.date(2026, 11, 2), status="discharged")
    with translation.override("en"):
        response = client_for(social_worker, language="en").get(MY_DAY)
    html = response.content.decode()
    assert stays_in_order(html) == [overdue.pk, due_soon.pk, short_near_discharge.pk, not_yet_due.pk]
    assert "First individual counseling overdue (due by day 14, today is day 22)." in html
    assert 'data-testid="urgency-explained"' in html


def test_stays_of_other_care_teams_are_not_on_my_day(
    make_wmr_stay, treating_psychologist, other_team_clinician, client_for
):
    make_wmr_stay()
    response = client_for(other_team_clinician).get(MY_DAY)
    assert stays_in_order(response.content.decode()) == []
    assert 'data-testid="nothing-open"' in response.content.decode()


def test_reading_my_day_is_audit_logged_with_the_stays_shown(wmr_stay, social_worker, client_for):
    client_for(social_worker).get(MY_DAY)
    entry = AuditEntry.objects.get(action="therapy.myday.viewed")
    assert entry.data == {"stays": [wmr_stay.pk]}
    assert entry.user == social_worker


def test_my_day_costs_the_same_queries_at_1_and_at_30_stays(make_wmr_stay, social_worker, client_for):
    client = client_for(social_worker)
    stay = make_wmr_stay()
    plan(stay, social_worker)

    def count() -> int:
        client.get(MY_DAY)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MY_DAY).status_code == 200
        return len(captured)

    at_one = count()
    for _ in range(29):
        other = make_wmr_stay()
        plan(other, social_worker, start=dt.time(11, 0))
    # session, user, stays of my teams, decisions, training plans, attendance aggregate, audit insert, planned
    # sessions, their attendance, the participants I may name, session renewal (3)
    assert at_one == count() <= 13


def test_only_a_planned_session_can_be_marked_held(wmr_stay, social_worker, log_individual):
    from therapy.services.progress import session_mark_held
    from therapy.services.sessions import SessionRefused

    held = log_individual(wmr_stay, 30, day=3)
    with translation.override("en"), pytest.raises(SessionRefused, match="Only a planned session"):
        session_mark_held(by=social_worker, session=held, version=held.version, today=TODAY)
