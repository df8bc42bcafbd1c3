"""The drill-down from a rate to the stays that miss it (issue 8): stay number and pseudonym — no name, no initials, no
birth date — unless the reader is on the stay's care team; the reason recomputed in the reader's language; every
drill-down audit-logged under the facility; nonsense filters get a message; an unknown measure 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape
from freezegun import freeze_time

from compliance import registry
from compliance.pseudonyms import pseudonym
from patients import services
from patients.models import TeamFunction
from staff.models import Profession, Role
from tests.compliance.dashboard_samples import MEASURE, bulk_results, result
from tests.factories import UserFactory
from wmr.models import AuditEntry

NOW = "2026-12-05 12:00"
TODAY = dt.date(2026, 12, 5)
URL = reverse("compliance:drilldown", args=[MEASURE])
Q4 = {"period": "2026-Q4"}


def page(client, url=URL, **params) -> str:
    response = client.get(url, {**Q4, **params})
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="drilldown-row".*?</tr>', html, re.S)


def birth_date_forms(day: dt.date) -> list[str]:
    """The birth date as any page or export might print it."""
    forms = [
        day.strftime("%d.%m.%Y"),
        day.strftime("%Y-%m-%d"),
        day.strftime("%d.%m.%y"),
        day.strftime("%d/%m/%Y"),
        day.strftime("%m/%d/%Y"),
        f"{day.day}.{day.month}.{day.year}",
        day.strftime("%Y%m%d"),
    ]
    for language in ("de", "en"):
        with translation.override(language):
            forms += [formats.date_format(day), formats.date_format(day, "SHORT_DATE_FORMAT")]
    return forms


def assert_no_identity(html: str, patient) -> None:
    assert patient.last_name not in html
    assert patient.first_name not in html
    for text in birth_date_forms(patient.birth_date):
        assert text not in html, text


@pytest.fixture
def missed(make_stay):
    """Q4 2026: two stays missed 5.3 (no counseling by day 14), one met it, one is not yet due."""
    stays = [make_stay() for _ in range(4)]
    for stay, state in zip(stays, ["not_met", "not_met", "met", "not_yet_due"], strict=True):
        result(stay, state=state)
    return stays


@freeze_time(NOW)
def test_management_sees_the_stays_that_miss_it_by_number_and_pseudonym(missed, manager, client_for):
    html = page(client_for(manager, "en"))
    lines = rows(html)
    assert len(lines) == 2
    for stay in missed[:2]:
        line = next(line for line in lines if f'data-stay="{stay.number}"' in line)
        assert pseudonym(stay.pk) in line and stay.department_code in line and "02.11.2026" in line
        assert 'data-testid="drilldown-case-link"' not in line
    assert all(stay.number not in html for stay in missed[2:])
    assert "2 stays miss it" in html


@freeze_time(NOW)
def test_no_name_no_birth_date_for_a_manager_off_the_care_team(missed, manager, client_for):
    client = client_for(manager, "en")
    for html in (
        page(client),
        page(client, url=reverse("compliance:dashboard")),
        page(client, url=reverse("compliance:group")),
    ):
        for stay in missed:
            assert_no_identity(html, stay.patient)


@freeze_time(NOW)
def test_a_manager_on_the_care_team_of_a_stay_sees_its_name_and_a_link_to_the_case(missed, manager, client_for):
    services.careteam_add(by=manager, stay=missed[0], user=manager, function=TeamFunction.PHYSICIAN)
    html = page(client_for(manager, "en"))
    mine = next(line for line in rows(html) if f'data-stay="{missed[0].number}"' in line)
    patient = missed[0].patient
    assert f"{patient.last_name}, {patient.first_name}" in mine
    assert reverse("cases:overview", args=[missed[0].pk]) in mine
    assert_no_identity(html, missed[1].patient)  # the other stay stays pseudonymised


@freeze_time(NOW)
def test_the_reason_is_recomputed_in_the_readers_language(missed, manager, client_for):
    """The stored row says "not met"; the page asks the registry again, for these stays only, in the reader's
    language (these stays are not WMR stays now, so the live answer differs and the page says so)."""
    with translation.override("en"):
        english = registry.stay_results(missed[0], TODAY)[MEASURE]
        state_now = f"now: {english.state.label}" if english.state != "not_met" else None
    with translation.override("de"):
        german = registry.stay_results(missed[0], TODAY)[MEASURE]
    assert english.reason and str(english.reason) != str(german.reason)
    line = next(line for line in rows(page(client_for(manager, "en"))) if f'data-stay="{missed[0].number}"' in line)
    assert escape(english.reason) in line
    assert state_now in line if state_now else "now:" not in line
    german_line = next(line for line in rows(page(client_for(manager))) if f'data-stay="{missed[0].number}"' in line)
    assert escape(german.reason) in german_line


@freeze_time(NOW)
def test_every_drilldown_is_audit_logged_under_the_facility(missed, manager, facility, client_for):
    page(client_for(manager), department="3100")
    entry = AuditEntry.objects.get(action="compliance.drilldown.viewed")
    assert entry.user == manager
    assert (entry.object_type, entry.object_id) == ("patients.facility", str(facility.pk))
    assert entry.patient_id is None and entry.stay_id is None  # filed per facility, not per patient
    assert entry.data == {
        "facility": facility.pk,
        "measure": MEASURE,
        "period": "2026-Q4",
        "count": 2,
        "department": "3100",
        "wmr": None,
        "team": None,
    }


@freeze_time(NOW)
def test_the_filters_narrow_the_stays(make_stay, manager, client_for):
    wmr = make_stay(department_code="3197")
    other = make_stay(department_code="3100")
    result(wmr, state="not_met", is_wmr=True)
    result(other, state="not_met", is_wmr=False)
    client = client_for(manager, "en")
    assert [wmr.number] == re.findall(r'data-stay="([^"]+)"', page(client, wmr="yes"))
    assert [other.number] == re.findall(r'data-stay="([^"]+)"', page(client, department="3100"))
    assert rows(page(client, period="2026-Q3")) == []


@freeze_time(NOW)
def test_fifty_stays_a_page(manager, facility, client_for):
    stays = bulk_results(facility, 51, states=("not_met",))
    client = client_for(manager, "en")
    first, second = page(client), page(client, page="2")
    assert len(rows(first)) == 50 and len(rows(second)) == 1
    assert "51 stays miss it" in first and "page 1 of 2" in first
    shown = set(re.findall(r'data-stay="([^"]+)"', first + second))
    assert shown == {stay.number for stay in stays}
    assert f"?facility={facility.pk}&amp;period=2026-Q4&amp;page=2" in first  # the next page keeps the filters


@freeze_time(NOW)
def test_no_stay_missing_it_says_so(manager, client_for):
    assert 'data-testid="drilldown-empty"' in page(client_for(manager, "en"))


def test_an_unknown_measure_is_404(manager, client_for):
    client = client_for(manager)
    assert client.get(reverse("compliance:drilldown", args=["no_such_measure"]), Q4).status_code == 404


def test_a_facility_level_measure_has_no_stays_to_list(manager, client_for):
    client = client_for(manager)
    assert client.get(reverse("compliance:drilldown", args=["positive_screening_share"]), Q4).status_code == 404


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"facility": "999999"}, "Select a valid choice"),
        ({"period": "2026-Q5"}, "is not a period"),
        ({"department": "9999"}, "Select a valid choice"),
        ({"team": "abc"}, "Select a valid choice"),
    ],
)
def test_nonsense_filters_get_a_message_and_no_stays(missed, manager, client_for, params, message):
    html = page(client_for(manager, "en"), **params)
    assert message in html and rows(html) == []
    assert not AuditEntry.objects.filter(action="compliance.drilldown.viewed").exists()


@freeze_time(NOW)
def test_a_manager_of_another_facility_sees_none_of_these_stays(missed, facility, other_facility, client_for):
    other_manager = UserFactory(role=Role.MANAGEMENT, profession=Profession.OTHER, facilities=[other_facility])
    client = client_for(other_manager, "en")
    named = page(client, facility=facility.pk)
    own = page(client)
    for html in (named, own):
        assert rows(html) == []
        assert all(stay.number not in html and pseudonym(stay.pk) not in html for stay in missed)
    assert "Select a valid choice" in named


@freeze_time(NOW)
def test_a_clinician_on_the_care_team_still_gets_404(missed, treating_psychologist, client_for):
    assert client_for(treating_psychologist).get(URL, Q4).status_code == 404


@freeze_time(NOW)
def test_a_page_read_again_uses_the_cached_reasons_until_a_stay_is_refreshed(missed, manager, client_for):
    """Issue 10: the reasons (9–15 queries a stay) are recomputed once per stored result, day and language; a refresh
    of a stay (new ``computed_at``) recomputes that stay's reason, the other one stays cached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compliance.models import StayIndicator

    client = client_for(manager, "en")
    with CaptureQueriesContext(connection) as first:
        before = page(client)
    with CaptureQueriesContext(connection) as again:
        assert rows(page(client)) == rows(before)
    assert len(again) < len(first)
    recompute = len(first) - len(again)  # what recomputing the two reasons cost
    assert recompute >= 2

    # a refresh of one stay stores its result anew: only that stay's reason is recomputed
    StayIndicator.objects.filter(stay=missed[0], measure=MEASURE).update(
        computed_at=dt.datetime(2026, 12, 5, 12, 1, tzinfo=dt.UTC)
    )
    with CaptureQueriesContext(connection) as after_refresh:
        page(client)
    assert len(again) < len(after_refresh) < len(first)

    # the German reader gets German reasons, never the English ones from the cache
    german = page(client_for(manager, "de"))
    with translation.override("de"):
        reason = registry.stay_result(missed[1], TODAY, MEASURE).reason
    assert escape(str(reason)) in german
