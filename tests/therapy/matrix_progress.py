"""Permission-matrix rows of "My day" and the contact-log export (collected by tests/test_permission_matrix.py).

"My day" is every clinician's own page. Marking a planned session as held is for its staff member only (the session
of these rows is the social worker's); every other persona gets 404. The contact log is the care team's: the CSV for
any member, the stored PDF (a write) for the team's clinicians.
"""

from django.utils import timezone

from tests.permissions import CLINICIANS, POST_ONLY_GET, TEAM_READ, TEAM_WRITE_POST, Row, expect, stay

STAFF_MEMBER_ONLY = expect(404, social_worker=302, anonymous=302)


def planned_session_of_social_worker(o) -> list:
    from therapy.services.sessions import session_log

    social_worker = o["membership"].user
    today = timezone.localdate()
    session = session_log(
        by=social_worker,
        stay=o["stay"],
        kind="individual_counseling",
        held_on=today,
        minutes=30,
        status="planned",
        today=today,
    )
    return [session.pk]


def held_data(o) -> dict:
    return {"version": 1}


ROWS: list[Row] = [
    Row("therapy:my-day", "get", lambda o: [], CLINICIANS),
    Row("therapy:my-day-held", "post", planned_session_of_social_worker, STAFF_MEMBER_ONLY, data=held_data),
    Row("therapy:my-day-held", "get", planned_session_of_social_worker, POST_ONLY_GET),
    Row("therapy:contact-log-csv", "get", stay, TEAM_READ),
    Row("therapy:contact-log-pdf", "post", stay, TEAM_WRITE_POST),
    Row("therapy:contact-log-pdf", "get", stay, POST_ONLY_GET),
]
