"""Permission-matrix rows of this part of the screening app (collected by tests/test_permission_matrix.py).

The results of a stay are read by its care team; entry, "not possible" and correction forms are the care team's
clinicians' (``stay_write``). The correction row needs a stored result, made here through the services.
"""

import datetime as dt

from patients.models import DepartmentCode
from screening.models import InstrumentVersion
from screening.services.instruments import setting_set
from screening.services.results import result_record
from tests.permissions import TEAM_READ, TEAM_WRITE_FORM, Row, stay


def with_result(o):
    instrument = InstrumentVersion.objects.get(code="simbo_c", version="DEMO-1")
    saved = setting_set(
        by=None,
        facility=o["stay"].facility,
        department_code=o["stay"].department_code or DepartmentCode.PSYCHOSOMATICS,
        instrument=instrument,
        preset_code="simbo_27",
        effective_from=dt.date(2026, 1, 1),
    )
    result = result_record(
        stay=o["stay"],
        instrument=instrument,
        answers={"age": 45, "limitation": 5},
        rule=saved.setting.rule,
        preset_code="simbo_27",
        channel="paper",
    )
    return [o["stay"].pk, result.pk]


ROWS: list[Row] = [
    Row("screening:result-list", "get", stay, TEAM_READ),
    Row("screening:result-create", "get", stay, TEAM_WRITE_FORM),
    Row("screening:result-not-possible", "get", stay, TEAM_WRITE_FORM),
    Row("screening:result-correct", "get", with_result, TEAM_WRITE_FORM),
]
