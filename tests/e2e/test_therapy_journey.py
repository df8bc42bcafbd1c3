"""Browser journey of issue 6: the demo social worker runs a new work-related group with eight patients of his care
teams, logs one session of it once for all eight (one arrived 15 minutes late) and one individual counseling through
the quick log (htmx, no reload); the case overview's group and counseling bars move by the logged minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.therapy.conftest import assign_wmr

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GROUP_MINUTES = 90
LATE = 15
COUNSELING_MINUTES = 45
COUNSELING_NOTE = "Einzelberatung: Rückkehr an den Arbeitsplatz, Gespräch mit der Teamleitung vorbereiten"
BARS = ("work_groups_240min", "counseling_individual_60min", "counseling_total_90min")


def _login(page, base_url: str, username: str) -> None:
    from patients.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:not([name=language])")
    page.wait_for_selector("[data-testid=worklist]")


def _bars(page) -> dict[str, int]:
    """The minutes of the therapy bars on the case overview (data-value; empty when the WMR bars do not apply)."""
    values = {}
    for key in BARS:
        value = page.get_attribute(f"#therapy [data-testid=bar-{key}]", "data-value")
        assert value and value.isdigit(), f"bar {key} has no minutes: {value!r}"
        values[key] = int(value)
    return values


def _is_wmr(stay, today: dt.date) -> bool:
    from screening.models import Decision
    from screening.selectors_assignment import stay_assignment

    decision = stay_assignment(stay, today).current_decision
    return decision is not None and decision.decision == Decision.ASSIGN


def _eight_stays(social_worker, today: dt.date) -> list:
    """Eight admitted stays of the social worker's care teams in the demo clinic: the demo's, topped up with fresh
    WMR stays (admitted four days ago, social worker and psychologist on the team) when the demo has fewer."""
    from patients.demo import FACILITIES
    from patients.models import Facility, Stay, StayStatus, TeamFunction
    from patients.services import careteam_add
    from staff.models import User
    from tests.factories import PatientFactory, StayFactory
    from therapy.services.sessions import may_log_for_stay

    facility = Facility.objects.get(ik_number=FACILITIES[0].ik_number)
    admitted = Stay.objects.filter(facility=facility, status=StayStatus.ADMITTED, admission_date__lte=today)
    stays = [s for s in admitted.order_by("admission_date", "number") if may_log_for_stay(social_worker, s)][:8]
    psychologist = User.objects.get(username="psychologin")
    physician = User.objects.get(username="aerztin")
    for n in range(len(stays), 8):
        stay = StayFactory(
            number=f"E2E-THER-{n}",
            patient=PatientFactory(facility=facility, first_name=f"Gruppe{n}", last_name="Teilnehmerin"),
            admission_date=today - dt.timedelta(days=3),
            discharge_date=today + dt.timedelta(days=31),
        )
        careteam_add(by=psychologist, stay=stay, user=psychologist, function=TeamFunction.PRIMARY_THERAPIST)
        careteam_add(by=psychologist, stay=stay, user=social_worker, function=TeamFunction.SOCIAL_WORKER)
        assign_wmr(stay, psychologist=psychologist, physician=physician)
        stays.append(stay)
    return stays


def test_one_group_session_for_eight_and_one_counseling_move_the_overview_bars(live_server, page, artifacts):
    from staff.models import User
    from therapy.models import Attendance, TherapySession, WorkGroup

    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    social_worker = User.objects.get(username="sozialarbeit")
    stays = _eight_stays(social_worker, today)
    # the member whose case overview we watch: the most recently admitted demo WMR stay (its bars have minutes from
    # the demo already and are not all met yet); the WMR bars show no minutes for a stay that is not WMR
    wmr = [s for s in stays if _is_wmr(s, today)]
    reader = ([s for s in wmr if not s.number.startswith("E2E-")] or wmr)[-1]
    late = next(s for s in stays if s != reader)
    base = live_server.url
    _login(page, base, social_worker.username)

    # the group, through the UI: created, then the eight members added one by one
    page.goto(f"{base}/therapy/groups/new/")
    page.fill("input[name=name]", "Bewerbung und Rückkehr (E2E)")
    page.select_option("select[name=kind]", "work_group")
    assert page.input_value("input[name=starts_on]") == today.isoformat()
    page.fill("input[name=default_start]", "12:30")
    page.fill("input[name=default_minutes]", str(GROUP_MINUTES))
    page.click("input[name=save]")
    page.wait_for_selector("[data-testid=members]")
    group = WorkGroup.objects.get(name="Bewerbung und Rückkehr (E2E)")
    for stay in stays:
        page.goto(f"{base}/therapy/groups/{group.pk}/members/add/")
        page.select_option("select[name=stay]", str(stay.pk))
        page.click("input[name=save]")
        page.wait_for_selector(f"[data-testid=members] tr[data-stay='{stay.pk}']")
    assert page.locator("[data-testid=members] tbody tr[data-stay]").count() == 8

    # the bars before
    page.goto(f"{base}/cases/stays/{reader.pk}/")
    before = _bars(page)

    # one group session for all eight, one of them 15 minutes late
    page.goto(f"{base}/therapy/groups/{group.pk}/sessions/log/")
    form = page.locator("[data-testid=group-session-form]")
    rows = form.locator("[data-testid=attendance] tbody tr[data-stay]")
    assert rows.count() == 8
    for stay in stays:
        assert form.locator(f"input[name=present_{stay.pk}]").is_checked()  # ticked by default
    assert form.locator("input[name=minutes]").input_value() == str(GROUP_MINUTES)  # the group's default
    form.locator(f"input[name=late_{late.pk}]").fill(str(LATE))
    form.locator("input[name=topics]").first.check()
    form.locator("textarea[name=note]").fill("Bewerbungsunterlagen und Rollenspiel Vorstellungsgespräch.")
    page.screenshot(path=str(artifacts / "group_session_form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#sessions [data-session]")
    session = TherapySession.objects.get(group=group)
    attended = dict(Attendance.objects.filter(session=session).values_list("stay_id", "minutes"))
    assert attended == {s.pk: GROUP_MINUTES - (LATE if s == late else 0) for s in stays}
    assert "75" in page.inner_text(f"#sessions [data-session='{session.pk}'] li[data-stay='{late.pk}']")

    # one individual counseling through the quick log: the row appears without a reload
    page.goto(f"{base}/therapy/stays/{reader.pk}/sessions/")
    page.evaluate("window.notReloaded = true")
    quick = page.locator("#quick-log")
    quick.locator("select[name=kind]").select_option("individual_counseling")
    quick.locator("input[name=minutes]").fill(str(COUNSELING_MINUTES))
    quick.locator("input[name=note]").fill(COUNSELING_NOTE)
    quick.locator("input[name=note]").press("Enter")
    row = page.wait_for_selector(f"#session-rows tr[data-session]:has-text('{COUNSELING_NOTE}')")
    assert str(COUNSELING_MINUTES) in row.inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.input_value("#quick-log input[name=minutes]") == ""  # a fresh form for the next one

    # the case overview again: the bars moved by exactly the logged minutes
    page.goto(f"{base}/cases/stays/{reader.pk}/")
    after = _bars(page)
    assert after["work_groups_240min"] - before["work_groups_240min"] == GROUP_MINUTES
    assert after["counseling_individual_60min"] - before["counseling_individual_60min"] == COUNSELING_MINUTES
    assert after["counseling_total_90min"] - before["counseling_total_90min"] == COUNSELING_MINUTES
    page.locator("#therapy").screenshot(path=str(artifacts / "therapy_overview_bars.png"))
