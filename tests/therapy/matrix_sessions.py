"""Permission-matrix rows of the contact log, the groups and the session API (collected by
tests/test_permission_matrix.py).

A stay's contact log: its care team reads, the team's clinicians write (both team personas are clinicians).
Groups: the clinicians of the group's facility (treating, social worker and the other-team clinician alike);
management, privacy officer and admin get 404. The objects are made through the services by the social worker, who
leads the group and is on the stay's care team.
"""

import datetime as dt

from tests.permissions import (
    API_TEAM,
    CLINICIANS,
    POST_ONLY_GET,
    TEAM_READ,
    TEAM_WRITE_POST,
    Row,
    expect,
    stay,
)

DAY = dt.date(2026, 11, 3)  # day 2 of the shared stay
FACILITY_CLINICIANS_POST = expect(404, treating=302, social_worker=302, other_team=302, anonymous=302)
API_FACILITY_CLINICIANS = expect(404, treating=200, social_worker=200, other_team=200, anonymous=403)


def _social_worker(o):
    return o["membership"].user


def _session(o):
    from therapy.services.sessions import session_log

    return session_log(
        by=_social_worker(o), stay=o["stay"], kind="individual_counseling", held_on=DAY, minutes=30, today=DAY
    )


def _group(o):
    from therapy.services.groups import group_create, membership_add

    group = group_create(by=_social_worker(o), facility=o["stay"].facility, name="AG Beruf", starts_on=DAY)
    membership_add(by=_social_worker(o), group=group, stay=o["stay"], starts_on=DAY)
    return group


def _group_session(o):
    from therapy.services.sessions import Attendee, group_session_log

    group = _group(o)
    session = group_session_log(
        by=_social_worker(o),
        group=group,
        held_on=DAY,
        start=dt.time(10),
        minutes=60,
        attendees=[Attendee(o["stay"])],
        today=DAY,
    )
    return group, session


def stay_session(o):
    return [o["stay"].pk, _session(o).pk]


def group(o):
    return [_group(o).pk]


def group_membership(o):
    g = _group(o)
    return [g.pk, g.memberships.get().pk]


def group_session(o):
    g, session = _group_session(o)
    return [g.pk, session.pk]


def quick_log(o):
    return {
        "kind": "individual_counseling",
        "held_on": "2026-11-03",
        "minutes": "30",
        "status": "held",
        "staff": _social_worker(o).pk,
    }


ROWS: list[Row] = [
    Row("therapy:session-list", "get", stay, TEAM_READ),
    Row("therapy:session-log", "post", stay, TEAM_WRITE_POST, data=quick_log),
    Row("therapy:session-log", "get", stay, POST_ONLY_GET),
    Row("therapy:session-edit", "get", stay_session, TEAM_READ),
    Row("therapy:session-cancel", "post", stay_session, TEAM_WRITE_POST, data=lambda o: {"cancel_reason": "wrong"}),
    Row("therapy:session-cancel", "get", stay_session, POST_ONLY_GET),
    Row("therapy:group-list", "get", lambda o: [], CLINICIANS),
    Row("therapy:group-create", "get", lambda o: [], CLINICIANS),
    Row("therapy:group-detail", "get", group, CLINICIANS),
    Row("therapy:group-edit", "get", group, CLINICIANS),
    Row("therapy:group-member-add", "get", group, CLINICIANS),
    Row(
        "therapy:group-member-end",
        "post",
        group_membership,
        FACILITY_CLINICIANS_POST,
        data=lambda o: {"ends_on": "2026-11-10"},
    ),
    Row("therapy:group-member-end", "get", group_membership, POST_ONLY_GET),
    Row("therapy:group-session-log", "get", group, CLINICIANS),
    Row("therapy:group-session-edit", "get", group_session, CLINICIANS),
    Row(
        "therapy:group-session-cancel",
        "post",
        group_session,
        FACILITY_CLINICIANS_POST,
        data=lambda o: {"cancel_reason": "room taken"},
    ),
    Row("therapy:group-session-cancel", "get", group_session, POST_ONLY_GET),
    Row("api:therapy-stay-sessions", "get", stay, API_TEAM),
    Row("api:therapy-group-sessions", "get", group, API_FACILITY_CLINICIANS),
]
