"""My worklist: only my care teams' stays, filters, search by name or birth date, 50 per page, constant queries."""

import datetime as dt

from django.urls import reverse

from patients import services
from patients.models import ConsentKind, ContactKind, ExternalContact, TeamFunction
from tests.factories import PatientFactory

WORKLIST = reverse("cases:worklist")


def test_the_worklist_shows_only_stays_of_my_care_teams(
    make_stay, treating_psychologist, other_team_clinician, client_for
):
    mine = make_stay()
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PHYSICIAN)])
    html = client_for(treating_psychologist).get(WORKLIST).content.decode()
    assert mine.number in html
    assert theirs.number not in html


def test_the_worklist_filters_by_status_department_and_admission_date(make_stay, treating_psychologist, client_for):
    invited = make_stay(status="invited", admission_date=dt.date(2026, 12, 1), discharge_date=None)
    wmr = make_stay(department_code="3197", admission_date=dt.date(2026, 11, 2))
    discharged = make_stay(status="discharged", admission_date=dt.date(2026, 8, 3), discharge_date=dt.date(2026, 9, 7))
    client = client_for(treating_psychologist)

    def numbers(query):
        page = client.get(WORKLIST, query).context["page"]
        return {stay.number for stay in page}

    assert numbers({"status": "invited"}) == {invited.number}
    assert numbers({"department_code": "3197"}) == {wmr.number}
    assert numbers({"admission_to": "2026-09-30"}) == {discharged.number}
    assert numbers({"admission_from": "2026-11-01", "admission_to": "2026-11-30"}) == {wmr.number}


def test_the_worklist_searches_by_name_and_by_birth_date(make_stay, facility, treating_psychologist, client_for):
    helen = make_stay(
        patient=PatientFactory(
            facility=facility, last_name="Berger", first_name="Helen", birth_date=dt.date(1980, 5, 17)
        )
    )
    make_stay(
        patient=PatientFactory(
            facility=facility, last_name="Keller", first_name="Tristan", birth_date=dt.date(1975, 2, 3)
        )
    )
    client = client_for(treating_psychologist)

    def numbers(q):
        return {stay.number for stay in client.get(WORKLIST, {"q": q}).context["page"]}

    assert numbers("berg") == {helen.number}
    assert numbers("Helen Berger") == {helen.number}
    assert numbers("17.05.1980") == {helen.number}
    assert numbers("1980-05-17") == {helen.number}


def test_the_worklist_pages_by_50(make_stay, treating_psychologist, client_for):
    for _ in range(51):
        make_stay()
    client = client_for(treating_psychologist)
    first = client.get(WORKLIST).context["page"]
    assert len(first.object_list) == 50
    assert first.paginator.count == 51
    assert len(client.get(WORKLIST, {"page": 2}).context["page"].object_list) == 1


# Worklist: session, user, COUNT of my stays, the page of stays joined with patient + facility (the permission is a
# subquery inside both), then the session renewal (savepoint, update, release) that makes the idle timeout work.
WORKLIST_BUDGET = 7
# Overview: session, user, stay (permission subquery, patient, facility), audit insert, consents, care team, contacts,
# contact events, documents, links, session renewal (3); screening & assignment (8): results, facility screening
# setting, need assessments, motivations, contraindication checks, decisions, code corrections, contraindication labels.
# therapy progress (4): assignment decisions, training plan, attendance minutes aggregate, planned therapies.
# goals (3): goal agreements (all versions), their goals (with "reviewed"), their reviews.
# diagnostics (4): sessions, job descriptions, profiles (with instrument + job description), rating rows (with rater).
# conference (6): conference cases, their flags, planned therapies, comparison profiles + ratings, facility conferences.
# return to work (14): sick leave (3): periods, trigger examinations, work situation; graded plan (2): work situation,
# plan versions with steps; RTW plan (1): versions with steps and stakeholders; checklists (3): work situation,
# discharge letter, checklist entries; discharge letter (2): versions, their stored documents; indicators (3): RTW
# plan aggregate, assignment decisions, the newest signed letter with its copies (the sick leave comes from above).
OVERVIEW_BUDGET = 47


def _count_queries(client, url):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches (content types)
    cache.clear()  # the case overview's composed content is cached: count the read that composes it
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_worklist_costs_the_same_queries_at_1_and_at_200_stays(make_stay, treating_psychologist, client_for):
    make_stay()
    client = client_for(treating_psychologist)
    at_one = _count_queries(client, WORKLIST)
    for _ in range(199):
        make_stay()
    assert at_one == _count_queries(client, WORKLIST) <= WORKLIST_BUDGET


def _full_record(stay, social_worker):
    for kind in ConsentKind.values:
        services.consent_give(by=social_worker, stay=stay, kind=kind, given_on=dt.date(2026, 11, 3))
    for kind in ContactKind.values:
        contact = services.contact_save(
            by=social_worker, contact=ExternalContact(stay=stay, kind=kind, organisation=kind)
        )
        services.contact_event_record(by=social_worker, contact=contact, on=dt.date(2026, 11, 4), channel="phone")


def test_the_case_overview_costs_the_same_queries_at_1_and_at_200_stays(
    make_stay, treating_psychologist, social_worker, client_for
):
    stay = make_stay()
    _full_record(stay, social_worker)
    client = client_for(treating_psychologist)
    url = reverse("cases:overview", args=[stay.pk])
    at_one = _count_queries(client, url)
    for _ in range(199):
        make_stay()
    assert at_one == _count_queries(client, url) <= OVERVIEW_BUDGET
