"""Two-factor authentication (issue 9): TOTP enrolment with a QR code, verification with the app or a backup code,
the roles that must use it per facility, throttling, and the middleware that sends everyone else's pages away until
the session is verified. Codes are computed from the device's key like an authenticator app does (RFC 6238)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from staff.models import Role
from staff.services_two_factor import wait_in_words
from staff.two_factor import two_factor_required_for
from tests.factories import DEFAULT_PASSWORD, FacilityFactory
from tests.two_factor_support import totp_code
from wmr.models import AuditEntry

START = "2026-11-02 08:00:00+00:00"
ENROL = reverse("account:two-factor-enrol")
VERIFY = reverse("account:two-factor-verify")
SECURITY = reverse("account:security")
WORKLIST = reverse("cases:worklist")


def unverified(user, language: str = "en") -> Client:
    """A logged-in session that has not (yet) typed a second factor."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def enrol(client: Client, user) -> list[str]:
    """Enrolment through the pages: open it, read the device's key, type the code; returns the backup codes."""
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(device)})
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.findall(r'<li class="list-group-item">([a-z2-7]{8})</li>', response.content.decode())


def is_verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def errors_of(response) -> list[str]:
    return response.context["form"].errors.get("code", [])


# --- the rule ------------------------------------------------------------------------------------------------------

DEFAULT = ["admin", "privacy_officer", "management"]


@pytest.mark.parametrize(
    ("role", "facility_roles", "required"),
    [
        ("management", [DEFAULT], True),
        ("privacy_officer", [DEFAULT], True),
        ("admin", [DEFAULT], True),
        ("clinician", [DEFAULT], False),
        ("management", [["admin"]], False),  # the facility took management off its list
        ("management", [["admin"], DEFAULT], True),  # any of the person's facilities is enough
        ("clinician", [["clinician"]], True),  # a facility may require it of clinicians too
        ("management", [[]], False),
        ("management", [], True),  # no facility: the settings default
        ("clinician", [], False),
    ],
)
def test_the_rule_requires_two_factors_when_any_facility_lists_the_role(role, facility_roles, required):
    assert two_factor_required_for(role, facility_roles, DEFAULT) is required


def test_a_new_facility_takes_the_roles_from_the_settings(db):
    assert FacilityFactory().two_factor_roles == settings.TWO_FACTOR_DEFAULT_ROLES == DEFAULT


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (1, "1 second"),
        (16, "16 seconds"),
        (61, "2 minutes"),
        (3600, "60 minutes"),
        (9000, "3 hours"),
    ],
)
def test_the_wait_is_told_in_words_rounded_up(seconds, words):
    with translation.override("en"):
        assert wait_in_words(dt.timedelta(seconds=seconds)) == words


# --- enrolment -----------------------------------------------------------------------------------------------------


@freeze_time(START)
def test_a_manager_enrols_end_to_end_and_reaches_the_page_asked_for(manager):
    client = unverified(manager)
    response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fcases%2F"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    # the QR code is inline SVG of the otpauth address; no inline script or style (strict CSP)
    assert re.search(r'<svg role="img" class="two-factor-qr"[^>]*>', html)
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert 'name="next" value="/cases/"' in html

    response = client.post(ENROL, {"code": totp_code(device), "next": "/cases/"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = re.findall(r'<li class="list-group-item">([a-z2-7]{8})</li>', response.content.decode())
    assert len(codes) == len(set(codes)) == 10
    assert 'href="/cases/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)) == sorted(codes)
    assert is_verified(client)
    assert client.get(WORKLIST).status_code == 200
    (row,) = AuditEntry.objects.filter(action="staff.two_factor.enrolled")
    assert (row.user, row.data) == (manager, {"backup_codes": 10})
    assert not any(code in str(row.data) for code in codes)


@freeze_time(START)
def test_a_reload_of_the_enrolment_page_keeps_the_same_secret(manager):
    client = unverified(manager)
    first = client.get(ENROL).context["secret"]
    assert client.get(ENROL).context["secret"] == first
    assert TOTPDevice.objects.filter(user=manager).count() == 1


@freeze_time(START)
def test_a_wrong_code_at_enrolment_keeps_the_form_and_turns_nothing_on(manager):
    client = unverified(manager)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert errors_of(response) == ["This code is wrong or has expired. Enter the code your app shows now."]
    assert f'value="{wrong}"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=manager).exists()
    assert not is_verified(client)
    assert AuditEntry.objects.filter(action="staff.two_factor.failed", data__during="enrolment").count() == 1


BAD_INPUT = [
    "",
    "   ",
    "12345",
    "1234567",
    "abcdef",
    "<script>alert(1)</script>",
    "9" * 500,
    "12\x0034",
    "１２３４５６",
]


@pytest.mark.parametrize("code", BAD_INPUT)
def test_bad_input_at_enrolment_is_a_form_error_in_the_persons_language(manager, code):
    client = unverified(manager, language="de")
    client.get(ENROL)
    response = client.post(ENROL, {"code": code})
    assert response.status_code == 200
    assert errors_of(response)
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert response["Content-Language"] == "de"


@pytest.mark.parametrize("code", BAD_INPUT)
def test_bad_input_at_verification_is_a_form_error(manager, code):
    client = unverified(manager)
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert errors_of(response)
    assert not is_verified(client)


def test_an_enrolled_person_is_sent_from_enrolment_to_verification(manager):
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    response = unverified(manager).get(ENROL)
    assert response["Location"] == VERIFY


# --- verification --------------------------------------------------------------------------------------------------


@pytest.fixture
def enrolled_manager(manager):
    """The manager enrolled through the pages at START; returns (user, backup codes)."""
    with freeze_time(START):
        codes = enrol(unverified(manager), manager)
    return manager, codes


def test_the_next_login_asks_for_a_code_and_a_totp_code_verifies(enrolled_manager):
    manager, _ = enrolled_manager
    with freeze_time(START) as frozen:
        frozen.tick(dt.timedelta(hours=3))
        client = Client()
        client.post(reverse("login"), {"username": manager.username, "password": DEFAULT_PASSWORD})
        response = client.get(WORKLIST)
        assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F"
        device = TOTPDevice.objects.get(user=manager)
        response = client.post(VERIFY, {"code": totp_code(device), "next": "/cases/"})
        assert response.status_code == 302
        assert response["Location"] == "/cases/"
        assert is_verified(client)
        assert client.get(WORKLIST).status_code == 200
    (row,) = AuditEntry.objects.filter(action="staff.two_factor.verified")
    assert (row.user, row.data) == (manager, {"device": "totp"})


def test_a_code_is_accepted_only_once(enrolled_manager):
    """The code that confirmed the enrolment cannot verify a second session in the same time step."""
    manager, _ = enrolled_manager
    with freeze_time(START):
        device = TOTPDevice.objects.get(user=manager)
        response = unverified(manager).post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 200
    assert errors_of(response)


def test_a_backup_code_verifies_once(enrolled_manager):
    manager, codes = enrolled_manager
    first = unverified(manager)
    response = first.post(VERIFY, {"code": codes[3].upper()[:4] + "-" + codes[3][4:], "next": "/audit/"})
    assert response["Location"] == "/audit/"
    assert is_verified(first)
    assert StaticToken.objects.filter(device__user=manager).count() == 9
    assert AuditEntry.objects.get(action="staff.two_factor.verified").data == {
        "device": "backup",
        "backup_codes_left": 9,
    }

    with freeze_time(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=5)):  # past the throttle of a failure
        second = unverified(manager)
        response = second.post(VERIFY, {"code": codes[3]})
    assert response.status_code == 200
    assert errors_of(response) == ["This backup code is wrong or has been used already."]
    assert not is_verified(second)


def test_next_never_leads_off_the_site(enrolled_manager):
    manager, codes = enrolled_manager
    response = unverified(manager).post(VERIFY, {"code": codes[0], "next": "https://evil.example/"})
    assert response["Location"] == WORKLIST


def test_repeated_wrong_codes_are_throttled_and_the_wait_is_shown_in_words(enrolled_manager):
    manager, _ = enrolled_manager
    device = TOTPDevice.objects.get(user=manager)
    client = unverified(manager)
    with freeze_time("2026-11-02 12:00:00+00:00") as frozen:
        right = totp_code(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for failures in range(1, 5):  # each wrong code waits out the previous delay: 1, 2, 4 seconds
            response = client.post(VERIFY, {"code": wrong})
            assert errors_of(response) == ["This code is wrong or has expired. Enter the code your app shows now."]
            frozen.tick(dt.timedelta(seconds=2 ** (failures - 1)))
        frozen.tick(dt.timedelta(seconds=-8))
        # four failures: 8 seconds from the last one; even the right code is refused until then
        response = client.post(VERIFY, {"code": right})
        assert response.status_code == 200
        assert errors_of(response) == ["Too many wrong codes. Try again in 8 seconds."]
        assert not is_verified(client)
        frozen.tick(dt.timedelta(seconds=9))
        response = client.post(VERIFY, {"code": totp_code(device)})
        assert response.status_code == 302
        assert is_verified(client)
    reasons = list(AuditEntry.objects.filter(action="staff.two_factor.failed").values_list("data__reason", flat=True))
    assert sorted(reasons) == ["throttled"] + ["wrong_code"] * 4


def test_the_throttle_message_is_in_german_for_a_german_session(enrolled_manager):
    manager, _ = enrolled_manager
    client = unverified(manager, language="de")
    with freeze_time("2026-11-02 12:00:00+00:00"):
        client.post(VERIFY, {"code": "000000"})
        response = client.post(VERIFY, {"code": "000001"})
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert errors_of(response)


# --- who is sent where ---------------------------------------------------------------------------------------------

SAMPLE_PAGES = [
    ("cases:worklist", []),
    ("audit:list", []),
    ("compliance:dashboard", []),
    ("admin:index", []),
    ("notifications:list", []),
    ("account:security", []),
]


@pytest.mark.parametrize("persona", ["manager", "privacy_officer", "admin_user"])
@pytest.mark.parametrize(("name", "args"), SAMPLE_PAGES)
def test_required_roles_are_sent_to_enrolment_from_every_kind_of_page(request, persona, name, args):
    user = request.getfixturevalue(persona)
    url = reverse(name, args=args)
    response = unverified(user).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ENROL}?next=")


@pytest.mark.parametrize("persona", ["manager", "privacy_officer", "admin_user"])
@pytest.mark.parametrize(("name", "args"), SAMPLE_PAGES)
def test_enrolled_people_are_sent_to_verification_from_every_kind_of_page(request, persona, name, args):
    user = request.getfixturevalue(persona)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = unverified(user).get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


@pytest.mark.parametrize("persona", ["manager", "privacy_officer", "admin_user"])
def test_the_api_answers_403_json_until_verified(request, persona):
    user = request.getfixturevalue(persona)
    response = unverified(user).get(reverse("api:stay-list"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role must use two-factor authentication: set it up first.",
        "code": "two_factor_required",
        "url": ENROL,
    }
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = unverified(user).post(reverse("api:stay-list"), {})
    assert response.status_code == 403
    assert response.json()["url"] == VERIFY


def test_htmx_requests_get_an_hx_redirect(manager):
    response = unverified(manager).get(WORKLIST, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == ENROL


def test_a_post_is_refused_before_the_view_runs(manager, stay):
    response = unverified(manager).post(reverse("patients:create"), {"last_name": "Neu"})
    assert response.status_code == 302
    assert response["Location"] == ENROL  # no ?next= for a POST: the form would be lost anyway


def test_a_clinician_is_not_forced(treating_psychologist, stay):
    client = unverified(treating_psychologist)
    assert client.get(WORKLIST).status_code == 200
    assert client.get(reverse("cases:overview", args=[stay.pk])).status_code == 200
    assert client.get(reverse("api:stay-list")).status_code == 200


def test_a_facility_that_takes_management_off_its_list_stops_forcing_the_manager(manager, facility):
    facility.two_factor_roles = ["admin", "privacy_officer"]
    facility.save()
    assert unverified(manager).get(WORKLIST).status_code == 200
    # the privacy officer of the same facility still must
    facility.two_factor_roles = ["management"]
    facility.save()
    assert unverified(manager).get(WORKLIST).status_code == 302


def test_a_second_facility_that_lists_the_role_is_enough(manager, facility):
    facility.two_factor_roles = []
    facility.save()
    manager.facilities.add(FacilityFactory())
    assert unverified(manager).get(WORKLIST).status_code == 302


def test_a_manager_in_no_facility_follows_the_settings_default(manager, settings):
    manager.facilities.clear()
    assert unverified(manager).get(WORKLIST).status_code == 302
    settings.TWO_FACTOR_DEFAULT_ROLES = ["admin"]
    assert unverified(manager).get(WORKLIST).status_code == 200


def test_a_clinician_who_enrolled_voluntarily_is_asked_to_verify_at_the_next_login(treating_psychologist):
    client = unverified(treating_psychologist)
    assert client.get(SECURITY).status_code == 200
    codes = enrol(client, treating_psychologist)
    assert len(codes) == 10
    assert client.get(WORKLIST).status_code == 200

    later = Client()
    later.post(reverse("login"), {"username": treating_psychologist.username, "password": DEFAULT_PASSWORD})
    response = later.get(WORKLIST)
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2F"


@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),
        reverse("healthz"),
        ENROL,
        VERIFY,
        "/p/",
        "/p/ABCDEFGHJKLM/",
        f"{settings.STATIC_URL}css/wmr.css",
    ],
)
def test_the_login_flow_and_public_pages_are_exempt(manager, url):
    response = unverified(manager).get(url)
    location = response.get("Location", "")
    assert not location.startswith((ENROL, VERIFY)) or url in (ENROL, VERIFY)
    assert response.status_code != 500


def test_logout_and_the_language_switch_work_unverified(manager):
    client = unverified(manager)
    response = client.post(reverse("set_language"), {"language": "de", "next": "/login/"})
    assert response["Location"] == "/login/"
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="staff.logout", user=manager).exists()


def test_the_middleware_reads_a_constant_number_of_queries(manager, facility):
    """Unverified manager without a device, redirected: session, user, TOTP device, facilities' roles = 4 reads;
    the same with three more facilities and with backup codes; with an enrolled device the facilities are not read."""

    def queries(client) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(WORKLIST)
        assert response.status_code == 302
        # the session's save at the end (SESSION_SAVE_EVERY_REQUEST) is a write, not the middleware's
        return sum(1 for query in context.captured_queries if query["sql"].startswith("SELECT"))

    one = queries(unverified(manager))
    assert one == 4
    for _ in range(3):
        manager.facilities.add(FacilityFactory())
    StaticDevice.objects.create(user=manager, name="codes", confirmed=True)
    assert queries(unverified(manager)) == one

    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    assert queries(unverified(manager)) == 3  # session, user, device exists → verify; no facility read needed


# --- the account page ----------------------------------------------------------------------------------------------


def test_new_backup_codes_replace_the_old_ones(enrolled_manager):
    manager, old = enrolled_manager
    client = unverified(manager)
    client.post(VERIFY, {"code": old[0]})
    response = client.get(SECURITY)
    assert response.context["backup_codes_left"] == 9
    response = client.post(reverse("account:backup-codes-regenerate"))
    new = re.findall(r'<li class="list-group-item">([a-z2-7]{8})</li>', response.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)) == sorted(new)
    assert AuditEntry.objects.filter(action="staff.two_factor.backup_codes_regenerated", user=manager).exists()
    with freeze_time(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=5)):
        response = unverified(manager).post(VERIFY, {"code": old[1]})
    assert errors_of(response) == ["This backup code is wrong or has been used already."]


def test_a_person_who_must_use_two_factors_cannot_turn_it_off(enrolled_manager):
    manager, codes = enrolled_manager
    client = unverified(manager)
    client.post(VERIFY, {"code": codes[0]})
    response = client.post(reverse("account:two-factor-remove"), follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="staff.two_factor.removed").exists()


def test_a_clinician_turns_voluntary_two_factor_off(treating_psychologist):
    client = unverified(treating_psychologist)
    enrol(client, treating_psychologist)
    response = client.post(reverse("account:two-factor-remove"))
    assert response["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=treating_psychologist).exists()
    assert not StaticDevice.objects.filter(user=treating_psychologist).exists()
    assert AuditEntry.objects.get(action="staff.two_factor.removed").data == {"devices": 2}
    assert unverified(treating_psychologist).get(WORKLIST).status_code == 200


def test_an_unverified_person_cannot_remove_their_devices(treating_psychologist):
    with freeze_time(START):
        enrol(unverified(treating_psychologist), treating_psychologist)
    response = unverified(treating_psychologist).post(reverse("account:two-factor-remove"))
    assert response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=treating_psychologist).exists()


def test_the_security_page_shows_the_status(enrolled_manager):
    manager, codes = enrolled_manager
    client = unverified(manager)
    client.post(VERIFY, {"code": codes[0]})
    html = client.get(SECURITY).content.decode()
    assert 'data-testid="backup-codes-left">9<' in html
    assert 'data-testid="two-factor-required"' in html
    assert 'data-testid="two-factor-remove"' not in html
    assert 'data-testid="nav-two-factor"' in html


def test_the_admin_resets_a_persons_devices(enrolled_manager, admin_user, client_for):
    manager, _ = enrolled_manager
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:staff_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [manager.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    row = AuditEntry.objects.get(action="staff.two_factor.reset")
    assert (row.user, row.object_id, row.data) == (admin_user, str(manager.pk), {"devices": 2})
    # the manager sets it up again at the next page
    assert unverified(manager).get(WORKLIST)["Location"].startswith(ENROL)


def test_the_admin_ticks_the_roles_of_a_facility(admin_user, facility, client_for):
    client = client_for(admin_user)
    url = reverse("admin:patients_facility_change", args=[facility.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "two_factor_roles"}
    data["two_factor_roles"] = [Role.ADMIN, Role.CLINICIAN]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    facility.refresh_from_db()
    assert sorted(facility.two_factor_roles) == ["admin", "clinician"]


def test_the_demo_logins_say_who_sets_up_two_factors_at_the_first_login(
    manager, privacy_officer, treating_psychologist
):
    from io import StringIO

    from cases.management.commands.load_demo import Command
    from patients.demo import DemoLogin

    out = StringIO()
    logins = [
        DemoLogin(u.username, "pw", u.role, u.profession, u.display_name)
        for u in (manager, treating_psychologist, privacy_officer)
    ]
    with translation.override("en"):
        Command(stdout=out).write_two_factor_note(logins)
    assert f"Two-factor authentication: {manager.username}, {privacy_officer.username} set up" in out.getvalue()
    assert treating_psychologist.username not in out.getvalue()


def test_an_optional_person_without_a_device_is_read_once_per_few_minutes(treating_psychologist, facility):
    def reads(client) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("notifications:list")).status_code == 200
        return sum(1 for query in context.captured_queries if query["sql"].startswith("SELECT"))

    client = unverified(treating_psychologist)
    first = reads(client)
    assert reads(client) == first - 2  # no device read, no facility read
    # a facility that starts to require it counts from the next read, at the latest after five minutes
    facility.two_factor_roles = ["clinician"]
    facility.save()
    with freeze_time(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=6)):
        assert client.get(WORKLIST)["Location"].startswith(ENROL)
