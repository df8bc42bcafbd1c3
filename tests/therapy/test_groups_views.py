"""The group pages: list, create, members (names only for the care team), logging a group session with the
attendance form, editing it with optimistic concurrency, cancelling."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from patients.models import TeamFunction
from therapy.models import Attendance, GroupMembership, SessionStatus, TherapySession, WorkGroup
from therapy.services.groups import group_create, membership_add
from therapy.services.sessions import Attendee, group_session_log, session_change
from wmr.models import AuditEntry

ADMISSION = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def members(make_stay, work_group, social_worker):
    stays = [make_stay() for _ in range(3)]
    for stay in stays:
        membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
    return stays


def session_data(stays, **overrides):
    data = {
        "staff": str(stays[0].care_team.get(function=TeamFunction.SOCIAL_WORKER).user_id),
        "held_on": "2026-11-10",
        "start": "10:00",
        "minutes": "90",
        "status": "held",
        "topics": ["job_anxiety"],
        "note": "Rollenspiel",
    }
    for stay in stays:
        data[f"present_{stay.pk}"] = "on"
        data[f"late_{stay.pk}"] = "0"
        data[f"early_{stay.pk}"] = "0"
    data.update(overrides)
    return data


def test_the_group_list_shows_the_groups_of_my_facilities_only(work_group, other_facility, social_worker, client_for):
    stranger_group = WorkGroup.objects.create(facility=other_facility, name="Anderswo", starts_on=ADMISSION)
    response = client_for(social_worker).get(reverse("therapy:group-list"))
    assert list(response.context["groups"]) == [work_group]
    html = response.content.decode()
    assert "Arbeit und Gesundheit" in html and "Anderswo" not in html
    assert client_for(social_worker).get(reverse("therapy:group-detail", args=[stranger_group.pk])).status_code == 404


def test_a_group_is_created_from_the_form_with_me_as_leader(facility, social_worker, client_for):
    client = client_for(social_worker)
    form = client.get(reverse("therapy:group-create")).context["form"]
    assert form["leader"].value() == social_worker.pk
    response = client.post(
        reverse("therapy:group-create"),
        {
            "facility": facility.pk,
            "name": "Stress und Arbeit",
            "kind": "work_group",
            "leader": social_worker.pk,
            "starts_on": "2026-11-01",
            "default_start": "10:00",
            "default_minutes": "90",
        },
    )
    group = WorkGroup.objects.get(name="Stress und Arbeit")
    assert response.status_code == 302 and response["Location"] == reverse("therapy:group-detail", args=[group.pk])
    assert (group.leader, group.default_minutes) == (social_worker, 90)


def test_a_group_ending_before_it_starts_is_refused_and_keeps_the_input(facility, social_worker, client_for):
    response = client_for(social_worker).post(
        reverse("therapy:group-create"),
        {
            "facility": facility.pk,
            "name": "Verkehrt",
            "kind": "work_group",
            "leader": social_worker.pk,
            "starts_on": "2026-11-10",
            "ends_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode() and "Verkehrt" in response.content.decode()
    assert not WorkGroup.objects.filter(name="Verkehrt").exists()


def test_members_are_named_for_their_care_team_and_pseudonymous_for_others(
    work_group, members, treating_psychologist, other_team_clinician, client_for
):
    stay = members[0]
    mine = client_for(treating_psychologist).get(reverse("therapy:group-detail", args=[work_group.pk]))
    assert stay.patient.last_name in mine.content.decode()
    assert AuditEntry.objects.filter(action="therapy.membership.viewed", stay_id=stay.pk).count() == 1
    theirs = client_for(other_team_clinician).get(reverse("therapy:group-detail", args=[work_group.pk]))
    html = theirs.content.decode()
    assert theirs.status_code == 200
    assert stay.number in html
    assert stay.patient.last_name not in html and stay.patient.first_name not in html
    assert not AuditEntry.objects.filter(action="therapy.membership.viewed", user=other_team_clinician).exists()


def test_the_add_form_offers_only_my_care_teams_stays_not_yet_members(
    work_group, members, make_stay, other_team_clinician, social_worker, client_for
):
    theirs = make_stay(team=[(other_team_clinician, TeamFunction.PRIMARY_THERAPIST)])
    mine = make_stay()
    offered = client_for(social_worker).get(reverse("therapy:group-member-add", args=[work_group.pk]))
    assert list(offered.context["form"].fields["stay"].queryset) == [mine]
    response = client_for(social_worker).post(
        reverse("therapy:group-member-add", args=[work_group.pk]), {"stay": theirs.pk, "starts_on": "2026-11-05"}
    )
    assert response.status_code == 200  # not a choice: the form says so, nothing stored
    assert not GroupMembership.objects.filter(stay=theirs).exists()
    response = client_for(social_worker).post(
        reverse("therapy:group-member-add", args=[work_group.pk]), {"stay": mine.pk, "starts_on": "2026-11-05"}
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get(stay=mine).starts_on == dt.date(2026, 11, 5)


def test_a_membership_before_admission_shows_the_message(work_group, make_stay, social_worker, client_for):
    mine = make_stay()
    response = client_for(social_worker).post(
        reverse("therapy:group-member-add", args=[work_group.pk]), {"stay": mine.pk, "starts_on": "2026-11-01"}
    )
    assert "cannot start before the admission (02.11.2026)" in response.content.decode()


def test_ending_a_membership_from_the_group_page(work_group, members, social_worker, client_for):
    membership = GroupMembership.objects.get(stay=members[0])
    url = reverse("therapy:group-member-end", args=[work_group.pk, membership.pk])
    assert client_for(social_worker).post(url, {"ends_on": "2026-11-12"}).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == dt.date(2026, 11, 12)


def test_a_membership_of_another_group_under_this_groups_url_answers_404(
    work_group, members, facility, social_worker, client_for
):
    other = group_create(by=social_worker, facility=facility, name="Andere", starts_on=ADMISSION)
    foreign = membership_add(by=social_worker, group=other, stay=members[0], starts_on=ADMISSION)
    url = reverse("therapy:group-member-end", args=[work_group.pk, foreign.pk])
    assert client_for(social_worker).post(url, {"ends_on": "2026-11-12"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.ends_on is None


def test_the_log_form_has_a_ticked_checkbox_per_current_member_and_the_groups_defaults(
    work_group, members, social_worker, client_for
):
    work_group.default_start, work_group.default_minutes = dt.time(10, 0), 90
    work_group.save()
    form = client_for(social_worker).get(reverse("therapy:group-session-log", args=[work_group.pk])).context["form"]
    assert [m.stay for m in form.members] == sorted(members, key=lambda s: s.number)
    assert all(form[f"present_{s.pk}"].value() for s in members)
    assert (form["start"].value(), form["minutes"].value()) == (dt.time(10, 0), 90)
    shown = AuditEntry.objects.filter(action="therapy.membership.viewed", user=social_worker)
    assert sorted(shown.values_list("stay_id", flat=True)) == sorted(s.pk for s in members)  # named: logged


def test_one_post_logs_the_session_for_every_ticked_participant(work_group, members, social_worker, client_for):
    a, b, c = members
    data = session_data([a, b], **{f"late_{b.pk}": "15"})
    response = client_for(social_worker).post(reverse("therapy:group-session-log", args=[work_group.pk]), data)
    assert response.status_code == 302
    session = TherapySession.objects.get()
    rows = {row.stay_id: row.minutes for row in session.attendances.all()}
    assert rows == {a.pk: 90, b.pk: 75}  # c was not ticked: no row
    page = client_for(social_worker).get(reverse("therapy:session-list", args=[b.pk])).content.decode()
    assert f'data-session="{session.pk}"' in page  # every participant's record has it


def test_the_same_group_session_twice_shows_the_message_and_keeps_the_input(
    work_group, members, social_worker, client_for
):
    client = client_for(social_worker)
    url = reverse("therapy:group-session-log", args=[work_group.pk])
    client.post(url, session_data(members))
    response = client.post(url, session_data(members, note="zweiter Versuch"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This group session (10.11.2026, 10:00) has already been logged." in html
    assert "zweiter Versuch" in html
    assert TherapySession.objects.count() == 1


def test_nobody_ticked_is_refused(work_group, members, social_worker, client_for):
    data = {k: v for k, v in session_data(members).items() if not k.startswith("present_")}
    response = client_for(social_worker).post(reverse("therapy:group-session-log", args=[work_group.pk]), data)
    assert "Tick at least one participant" in response.content.decode()
    assert not TherapySession.objects.exists()


def test_a_tampered_field_for_a_non_member_is_ignored(work_group, members, make_stay, social_worker, client_for):
    outsider = make_stay()
    data = session_data(members[:1], **{f"present_{outsider.pk}": "on"})
    client_for(social_worker).post(reverse("therapy:group-session-log", args=[work_group.pk]), data)
    assert not Attendance.objects.filter(stay=outsider).exists()


def test_a_stale_group_session_edit_is_refused_with_a_message(
    work_group, members, social_worker, other_team_clinician, client_for
):
    session = group_session_log(
        by=social_worker,
        group=work_group,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(s) for s in members],
    )
    session_change(
        by=other_team_clinician,
        session=session,
        version=1,
        held_on=session.held_on,
        start=session.start,
        minutes=60,
        topics=[],
    )
    url = reverse("therapy:group-session-edit", args=[work_group.pk, session.pk])
    response = client_for(social_worker).post(url, session_data(members, minutes="45", version="1"))
    html = response.content.decode()
    assert "changed this session while you were editing" in html
    session.refresh_from_db()
    assert (session.minutes, session.version) == (60, 2)


def test_the_group_session_page_shows_versions_and_unticking_makes_absent(
    work_group, members, social_worker, client_for
):
    session = group_session_log(
        by=social_worker,
        group=work_group,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(s) for s in members],
    )
    url = reverse("therapy:group-session-edit", args=[work_group.pk, session.pk])
    client = client_for(social_worker)
    response = client.post(url, session_data(members[:2], version="1"))
    assert response.status_code == 302
    absent = session.attendances.get(stay=members[2])
    assert (absent.present, absent.minutes) == (False, 0)
    html = client.get(url).content.decode()
    assert 'name="version" value="2"' in html
    assert 'data-testid="history"' in html and members[2].number in html


def test_cancelling_a_group_session_from_its_page(work_group, members, social_worker, client_for):
    session = group_session_log(
        by=social_worker,
        group=work_group,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(members[0])],
    )
    url = reverse("therapy:group-session-cancel", args=[work_group.pk, session.pk])
    assert client_for(social_worker).post(url, {"cancel_reason": "Raum belegt", "version": "1"}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_a_session_of_another_group_under_this_groups_url_answers_404(
    work_group, members, facility, social_worker, client_for
):
    other = group_create(by=social_worker, facility=facility, name="Andere", starts_on=ADMISSION)
    membership_add(by=social_worker, group=other, stay=members[0], starts_on=dt.date(2026, 11, 3))
    foreign = group_session_log(
        by=social_worker,
        group=other,
        held_on=dt.date(2026, 11, 10),
        start=dt.time(10),
        minutes=90,
        attendees=[Attendee(members[0])],
    )
    client = client_for(social_worker)
    assert client.get(reverse("therapy:group-session-edit", args=[work_group.pk, foreign.pk])).status_code == 404
    url = reverse("therapy:group-session-cancel", args=[work_group.pk, foreign.pk])
    assert client.post(url, {"cancel_reason": "x"}).status_code == 404


def test_the_group_page_costs_the_same_queries_for_few_or_many_members_and_sessions(
    work_group, make_stay, social_worker, client_for
):
    client = client_for(social_worker)
    url = reverse("therapy:group-detail", args=[work_group.pk])

    def add(count, start_hour):
        stays = [make_stay(team=[(social_worker, TeamFunction.SOCIAL_WORKER)]) for _ in range(count)]
        for stay in stays:
            membership_add(by=social_worker, group=work_group, stay=stay, starts_on=ADMISSION)
        group_session_log(
            by=social_worker,
            group=work_group,
            held_on=dt.date(2026, 11, 10),
            start=dt.time(start_hour),
            minutes=60,
            attendees=[Attendee(s) for s in stays],
        )

    add(1, 9)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8, 11)
    add(8, 14)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["sessions"]) == 3
    assert len(many) == len(few)
