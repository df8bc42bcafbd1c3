"""Permission-matrix rows of the team conference (collected by tests/test_permission_matrix.py).

Facility pages: every clinician of the facility (also the other team's) and management read; only clinicians
record (management never writes); the privacy officer and the admin role get 404. A stay at a conference is its
care team's clinicians' (``stay_write``). The args callables create the conference (by the other-team clinician:
conferences belong to the facility, not to a team), the stay's case and a planned therapy through the services.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.permissions import (
    API_TEAM,
    CLINICIANS,
    POST_ONLY_GET,
    TEAM_WRITE_FORM,
    TEAM_WRITE_POST,
    Row,
    expect,
)

FACILITY_READ = expect(404, treating=200, social_worker=200, other_team=200, manager=200, anonymous=302)
CLINICIANS_POST = expect(404, treating=302, social_worker=302, other_team=302, anonymous=302)


def _today() -> str:
    return timezone.localdate().isoformat()


def _conference(o):
    from diagnostics.services.conference import ParticipantInput, conference_create

    held_on = max(o["stay"].admission_date, timezone.localdate() - dt.timedelta(days=1))
    held_on = min(held_on, timezone.localdate())
    return conference_create(
        by=o["other_user"],
        facility=o["stay"].facility,
        held_on=held_on,
        participants=[ParticipantInput(user=o["other_user"], profession="physician")],
    )


def _conference_pk(o) -> list:
    return [_conference(o).pk]


def _stay_conf(o) -> list:
    return [o["stay"].pk, _conference(o).pk]


def _case(o):
    from diagnostics.services.conference import case_add

    return case_add(by=o["membership"].user, conference=_conference(o), stay=o["stay"])


def _stay_case(o) -> list:
    case = _case(o)
    return [o["stay"].pk, case.conference_id]


def _stay_therapy(o) -> list:
    from diagnostics.models import TherapyCatalogueItem
    from diagnostics.services.conference import planned_therapy_add

    case = _case(o)
    item = TherapyCatalogueItem.objects.get(facility__isnull=True, code="individual_counseling")
    therapy = planned_therapy_add(by=o["membership"].user, case=case, item=item)
    return [o["stay"].pk, case.conference_id, therapy.pk]


def _conference_data(o) -> dict:
    return {"held_on": _today(), "external_name_0": "Dr. Betriebsarzt", "external_profession_0": "physician"}


def _therapy_data(o) -> dict:
    from diagnostics.models import TherapyCatalogueItem

    item = TherapyCatalogueItem.objects.get(facility__isnull=True, code="individual_counseling")
    return {"item": item.pk, "focus": "", "minutes_per_week": 50}


ROWS: list[Row] = [
    Row("diagnostics:conference-list", "get", lambda o: [], FACILITY_READ),
    Row("diagnostics:conference-weekly", "get", lambda o: [], FACILITY_READ),
    Row("diagnostics:conference-create", "get", lambda o: [], CLINICIANS),
    Row("diagnostics:conference-create", "post", lambda o: [], CLINICIANS_POST, data=_conference_data),
    Row("diagnostics:conference-detail", "get", _conference_pk, FACILITY_READ),
    Row("diagnostics:conference-edit", "get", _conference_pk, CLINICIANS),
    Row("diagnostics:conference-edit", "post", _conference_pk, CLINICIANS_POST, data=_conference_data),
    Row("diagnostics:stay-conference", "get", _stay_conf, TEAM_WRITE_FORM),
    Row("diagnostics:stay-conference", "get", _stay_case, TEAM_WRITE_FORM),
    Row("diagnostics:stay-conference-add", "post", _stay_conf, TEAM_WRITE_POST),
    Row("diagnostics:stay-conference-add", "get", _stay_conf, POST_ONLY_GET),
    Row("diagnostics:stay-conference-flags", "post", _stay_case, TEAM_WRITE_POST),
    Row("diagnostics:stay-conference-flags", "get", _stay_case, POST_ONLY_GET),
    Row(
        "diagnostics:stay-conference-findings",
        "post",
        _stay_case,
        TEAM_WRITE_POST,
        data=lambda o: {"findings": "Ausdauer als Hauptproblem bestätigt."},
    ),
    Row("diagnostics:stay-conference-findings", "get", _stay_case, POST_ONLY_GET),
    Row("diagnostics:stay-conference-therapy-add", "post", _stay_case, TEAM_WRITE_POST, data=_therapy_data),
    Row("diagnostics:stay-conference-therapy-add", "get", _stay_case, POST_ONLY_GET),
    Row(
        "diagnostics:stay-conference-therapy-end",
        "post",
        _stay_therapy,
        TEAM_WRITE_POST,
        data=lambda o: {"ended_on": _today()},
    ),
    Row("diagnostics:stay-conference-therapy-end", "get", _stay_therapy, POST_ONLY_GET),
    Row("api:stay-conferences", "get", lambda o: [o["stay"].pk], API_TEAM),
]
