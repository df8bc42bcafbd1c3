"""Login: audit rows for success, failure, lockout and logout; django-axes locks an account after 5 failures for
15 minutes; a session ends after 30 idle minutes. Logins go through the real login view (axes needs the request)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import DEFAULT_PASSWORD
from wmr.models import AuditEntry

LOGIN = reverse("login")
WRONG = "Falsches-Passwort-99"
START = "2026-11-02 08:00:00+00:00"


def log_in(client: Client, username: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def session_expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


# --- audit rows --------------------------------------------------------------------------------------------------


def test_a_successful_login_writes_an_audit_row(treating_psychologist, client):
    response = log_in(client, "psych")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:worklist")
    (row,) = AuditEntry.objects.filter(action="staff.login.succeeded")
    assert row.user == treating_psychologist
    assert row.username == "psych"
    assert (row.object_type, row.object_id) == ("staff.user", str(treating_psychologist.pk))
    assert row.ip_address == "127.0.0.1"
    assert row.path == LOGIN


def test_a_failed_login_writes_the_name_tried_and_never_the_password(treating_psychologist, client):
    response = log_in(client, "psych", WRONG)
    assert response.status_code == 200
    assert not is_logged_in(client)
    (row,) = AuditEntry.objects.filter(action="staff.login.failed")
    assert row.user is None
    assert row.data == {"username": "psych"}
    assert row.ip_address == "127.0.0.1"
    everything = json.dumps(list(AuditEntry.objects.values("data", "path", "username", "object_id")))
    assert WRONG not in everything
    assert "*****" not in everything


def test_a_failed_login_for_an_unknown_name_is_logged_too(db, client):
    log_in(client, "niemand", WRONG)
    assert list(AuditEntry.objects.filter(action="staff.login.failed").values_list("data", flat=True)) == [
        {"username": "niemand"}
    ]


def test_logging_out_writes_an_audit_row(treating_psychologist, client):
    log_in(client, "psych")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)
    (row,) = AuditEntry.objects.filter(action="staff.logout")
    assert row.user == treating_psychologist
    assert row.path == reverse("logout")


# --- lockout (django-axes: AXES_FAILURE_LIMIT 5, AXES_COOLOFF_TIME 15 minutes) -----------------------------------


def test_five_failures_lock_the_account_even_against_the_right_password(treating_psychologist, client):
    with freeze_time(START):
        for _ in range(4):
            assert log_in(client, "psych", WRONG).status_code == 200
        assert log_in(client, "psych", WRONG).status_code == 429  # the fifth failure locks
        response = log_in(client, "psych")
        assert not is_logged_in(client)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert not AuditEntry.objects.filter(action="staff.login.succeeded").exists()
    assert AuditEntry.objects.filter(action="staff.login.failed", data__username="psych").count() == 6
    assert AuditEntry.objects.filter(action="staff.login.locked_out", data__username="psych").exists()


def test_four_failures_do_not_lock(treating_psychologist, client):
    with freeze_time(START):
        for _ in range(4):
            log_in(client, "psych", WRONG)
        response = log_in(client, "psych")
        assert is_logged_in(client)  # inside the frozen time: outside it the session would have expired long ago
    assert response.status_code == 302


def test_the_lock_lifts_after_15_minutes(treating_psychologist, client):
    with freeze_time(START) as frozen:
        for _ in range(5):
            log_in(client, "psych", WRONG)
        frozen.tick(dt.timedelta(minutes=16))
        response = log_in(client, "psych")
        assert is_logged_in(client)  # inside the frozen time: outside it the session would have expired long ago
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="staff.login.succeeded", user=treating_psychologist).count() == 1


def test_attempts_during_the_lock_neither_get_in_nor_extend_it(treating_psychologist, client):
    with freeze_time(START) as frozen:
        for _ in range(5):
            log_in(client, "psych", WRONG)
        frozen.tick(dt.timedelta(minutes=14))
        assert log_in(client, "psych").status_code == 429
        frozen.tick(dt.timedelta(minutes=1, seconds=1))  # 15 minutes after the 5th failure
        assert log_in(client, "psych").status_code == 302
        assert is_logged_in(client)


def test_the_lock_is_per_account_so_colleagues_behind_the_same_address_still_log_in(
    treating_psychologist, social_worker, client
):
    with freeze_time(START):
        for _ in range(5):
            log_in(client, "psych", WRONG)
        colleague = Client()
        response = log_in(colleague, "social")
        assert is_logged_in(colleague)
    assert response.status_code == 302


# --- idle sessions (SESSION_COOKIE_AGE 1800 s, renewed by every request) -----------------------------------------


def test_a_session_lasts_30_idle_minutes_and_each_request_renews_it(treating_psychologist, client):
    with freeze_time(START) as frozen:
        log_in(client, "psych")
        assert session_expiry(client) - timezone.now() == dt.timedelta(seconds=1800)
        frozen.tick(dt.timedelta(minutes=20))
        assert client.get(reverse("cases:worklist")).status_code == 200
        assert session_expiry(client) - timezone.now() == dt.timedelta(seconds=1800)
        frozen.tick(dt.timedelta(minutes=29))  # 49 minutes after login, 29 idle: still in
        assert client.get(reverse("cases:worklist")).status_code == 200


def test_after_31_idle_minutes_the_next_request_goes_to_the_login(treating_psychologist, client):
    with freeze_time(START) as frozen:
        log_in(client, "psych")
        assert client.get(reverse("cases:worklist")).status_code == 200
        frozen.tick(dt.timedelta(minutes=31))
        response = client.get(reverse("cases:worklist"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_the_idle_timeout_follows_the_setting(treating_psychologist, client, settings):
    minutes = 45
    settings.SESSION_COOKIE_AGE = minutes * 60
    with freeze_time(START) as frozen:
        log_in(client, "psych")
        frozen.tick(dt.timedelta(minutes=minutes - 1))
        assert client.get(reverse("cases:worklist")).status_code == 200
        frozen.tick(dt.timedelta(minutes=minutes + 1))
        assert client.get(reverse("cases:worklist")).status_code == 302


def test_the_admin_role_cannot_make_anyone_superuser(facility, client_for):
    from staff.models import Role, User
    from tests.factories import UserFactory

    admin = UserFactory(username="admin-role", role=Role.ADMIN, is_staff=True, facilities=[facility])
    from django.contrib.auth.models import Permission

    admin.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    target = UserFactory(username="target", facilities=[facility])
    client = client_for(admin)
    url = f"/admin/staff/user/{target.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    data = {
        "username": "target",
        "first_name": "T",
        "last_name": "T",
        "email": "",
        "is_active": "on",
        "is_staff": "",
        "is_superuser": "on",
        "title": "",
        "profession": "other",
        "role": "clinician",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "10:00:00",
        "facilities": [facility.pk],
    }
    client.post(url, data)
    assert not User.objects.get(pk=target.pk).is_superuser
