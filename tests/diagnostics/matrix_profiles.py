"""Permission-matrix rows of sessions, job descriptions and profiles (collected by tests/test_permission_matrix.py).

The ``args`` callables create the session, job description or profile of the matrix stay they need.
"""

import datetime as dt

from diagnostics.models import ProfileInstrument
from tests.permissions import API_TEAM, TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

ON = "2026-11-03"  # the matrix stay was admitted on 2026-11-02


def _session(o):
    from diagnostics.services.sessions import session_record

    session = session_record(
        by=o["other_user"], stay=o["stay"], held_on=dt.date(2026, 11, 3), minutes=45, professions=["psychologist"]
    )
    return [o["stay"].pk, session.pk]


def _job_object(o):
    from diagnostics.services.jobs import job_description_save

    data = {"job_title": "Clerk", "main_tasks": "calls", "source": "company", "recorded_on": dt.date(2026, 11, 3)}
    return job_description_save(by=o["other_user"], stay=o["stay"], data=data)


def _job(o):
    return [o["stay"].pk, _job_object(o).pk]


def _profile(o):
    from diagnostics.services.profiles import profile_create

    profile = profile_create(
        by=o["other_user"],
        stay=o["stay"],
        kind="capacity",
        instrument=ProfileInstrument.objects.get(code="mini_icf_app", version="1"),
        reference_context="concrete_job",
        rated_on=dt.date(2026, 11, 3),
    )
    return [o["stay"].pk, profile.pk]


SESSION = {"phase": "start", "held_on": ON, "minutes": "60", "professions": ["psychologist"], "content": ""}
CORRECTION = {**SESSION, "minutes": "90", "reason": "minutes were wrong"}
JOB = {
    "job_title": "Clerk",
    "kldb_code": "",
    "hours_per_week": "",
    "shift_work": "none",
    "main_tasks": "calls",
    "physical_demands": "",
    "mental_demands": "",
    "source": "patient_interview",
    "source_note": "",
    "recorded_on": ON,
}


def _profile_post(o):
    instrument = ProfileInstrument.objects.get(code="mini_icf_app", version="1")
    return {
        "instrument": instrument.pk,
        "timepoint": "admission",
        "reference_context": "concrete_job",
        "reference_job_title": "",
        "rated_on": ON,
    }


HEADER_CHANGE = {"timepoint": "admission", "reference_context": "concrete_job", "rated_on": "2026-11-04", "reason": "x"}
RATING = {"profession": "psychologist", "v_planning": "2"}

ROWS: list[Row] = [
    Row("diagnostics:stay", "get", stay, TEAM_READ),
    Row("diagnostics:session-create", "get", stay, TEAM_WRITE_FORM),
    Row("diagnostics:session-create", "post", stay, TEAM_WRITE_POST, data=lambda o: SESSION),
    Row("diagnostics:session-correct", "get", _session, TEAM_WRITE_FORM),
    Row("diagnostics:session-correct", "post", _session, TEAM_WRITE_POST, data=lambda o: CORRECTION),
    Row("diagnostics:job-create", "get", stay, TEAM_WRITE_FORM),
    Row("diagnostics:job-create", "post", stay, TEAM_WRITE_POST, data=lambda o: JOB),
    Row("diagnostics:job-edit", "get", _job, TEAM_WRITE_FORM),
    Row("diagnostics:job-edit", "post", _job, TEAM_WRITE_POST, data=lambda o: {**JOB, "source": "company"}),
    Row("diagnostics:profile-create", "get", stay, TEAM_WRITE_FORM),
    Row("diagnostics:profile-create", "post", stay, TEAM_WRITE_POST, data=_profile_post),
    Row("diagnostics:profile-detail", "get", _profile, TEAM_READ),
    Row("diagnostics:profile-rate", "get", _profile, TEAM_WRITE_FORM),
    Row("diagnostics:profile-rate", "post", _profile, TEAM_WRITE_POST, data=lambda o: RATING),
    Row("diagnostics:profile-edit", "get", _profile, TEAM_WRITE_FORM),
    Row("diagnostics:profile-edit", "post", _profile, TEAM_WRITE_POST, data=lambda o: HEADER_CHANGE),
    Row("api:stay-profiles", "get", stay, API_TEAM),
    Row("api:stay-diagnostic-sessions", "get", stay, API_TEAM),
]
