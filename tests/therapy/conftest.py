"""Shared fixtures of the therapy tests (sessions, progress, workplace training).

- ``wmr_stay``: the default stay (admitted Monday 2026-11-02 = day 1, planned discharge 2026-12-07) with a WMR
  decision on day 2; ``make_wmr_stay(**stay_kwargs)`` makes more of them (same care team).
- ``stay_day(stay, n)``: the date of day ``n`` of a stay (day 1 = admission day).
- ``log_individual(stay, minutes, day, kind=..., **kwargs)``: one held session through ``session_log`` by the social
  worker (on the care team), dated on day ``day`` of the stay.
- ``work_group``: a work-related group of the facility led by the social worker; ``log_group(group, stays, day,
  minutes, **kwargs)`` makes the stays members (from admission) if they are not yet, then logs one group session with
  every one of them present.
"""

from __future__ import annotations

import datetime as dt

import pytest

from staff.models import Profession
from tests.factories import UserFactory


def stay_day(stay, n: int) -> dt.date:
    """Day ``n`` of the stay: day 1 is the admission day."""
    return stay.admission_date + dt.timedelta(days=n - 1)


@pytest.fixture
def wmr_physician(facility):
    return UserFactory(
        username="wmrdoc", first_name="Dora", last_name="Doktor", profession=Profession.PHYSICIAN, facilities=[facility]
    )


def assign_wmr(stay, *, psychologist, physician, on: dt.date | None = None):
    """The WMR decision through the screening services: need assessment, motivation, physician's check, decision."""
    from screening.services.assignment import (
        contraindication_check_record,
        decision_record,
        motivation_record,
        need_assessment_record,
    )

    on = on or stay_day(stay, 2)
    need_assessment_record(
        by=psychologist, stay=stay, source="primary_therapist_interview", assessed_on=on, reason="work problems"
    )
    motivation_record(by=psychologist, stay=stay, motivation="motivated", recorded_on=on)
    contraindication_check_record(by=physician, stay=stay, checked_on=on, findings=[])
    return decision_record(by=psychologist, stay=stay, decision="assign", decided_on=on, reason="", participants="")


@pytest.fixture
def make_wmr_stay(make_stay, treating_psychologist, wmr_physician):
    def make(**kwargs):
        stay = make_stay(**kwargs)
        assign_wmr(stay, psychologist=treating_psychologist, physician=wmr_physician)
        return stay

    return make


@pytest.fixture
def wmr_stay(make_wmr_stay):
    return make_wmr_stay()


@pytest.fixture
def log_individual(social_worker):
    from therapy.models import SessionKind
    from therapy.services.sessions import session_log

    def log(stay, minutes: int, day: int, kind: str = SessionKind.INDIVIDUAL_COUNSELING, **kwargs):
        held_on = stay_day(stay, day)
        kwargs.setdefault("by", social_worker)
        kwargs.setdefault("today", max(held_on, dt.date(2026, 12, 31)))
        return session_log(stay=stay, kind=kind, held_on=held_on, minutes=minutes, **kwargs)

    return log


@pytest.fixture
def work_group(facility, social_worker):
    from therapy.services.groups import group_create

    return group_create(
        by=social_worker,
        facility=facility,
        name="Arbeit und Gesundheit",
        leader=social_worker,
        starts_on=dt.date(2026, 10, 1),
    )


@pytest.fixture
def log_group(social_worker):
    from therapy.models import GroupMembership
    from therapy.services.groups import membership_add
    from therapy.services.sessions import Attendee, group_session_log

    def log(group, stays, day: int, minutes: int = 90, **kwargs):
        stays = list(stays)
        held_on = stay_day(stays[0], day)
        members = set(GroupMembership.objects.filter(group=group).values_list("stay_id", flat=True))
        for stay in stays:
            if stay.pk not in members:
                membership_add(by=social_worker, group=group, stay=stay, starts_on=stay.admission_date)
        kwargs.setdefault("by", social_worker)
        kwargs.setdefault("today", max(held_on, dt.date(2026, 12, 31)))
        kwargs.setdefault("start", dt.time(10, 0))
        return group_session_log(
            group=group,
            held_on=held_on,
            minutes=minutes,
            attendees=[Attendee(stay=stay) for stay in stays],
            **kwargs,
        )

    return log
