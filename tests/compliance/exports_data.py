"""A hand-built quarter of indicator results for the export and API tests (results stored directly as
``StayIndicator`` rows, the selectors' input).

Q4 2026 of the facility, four stays:

| stay | 5.3 first counseling by day 14 | 6.1 work groups 240 min |
|------|--------------------------------|-------------------------|
| A    | met                            | met                     |
| B    | met                            | not met                 |
| C    | not met                        | not yet due             |
| D    | not applicable (3100, no WMR)  | —                       |

→ 5.3: 2 of 3 = 66.7 % (red: a "shall" below 90 %), 1 not applicable; 6.1: 1 of 2 = 50.0 %, 1 not yet due.
A stay of Q3 2026 met 5.3 (the trend: Q3 100.0 %, Q4 66.7 %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance.catalogue import by_measure
from compliance.models import StayIndicator
from wmr.indicators import IndicatorState

TODAY = dt.date(2026, 12, 5)
PERIOD = "2026-Q4"
COUNSELING = "first_counseling_within_14d"  # 5.3
GROUPS = "work_groups_240min"  # 6.1
IN_Q4 = dt.date(2026, 11, 2)
IN_Q3 = dt.date(2026, 8, 10)


def record(stay, measure: str, state: str, on: dt.date = IN_Q4, **fields) -> StayIndicator:
    """One stored result, the stay's facility/department/WMR copied as the refresh does."""
    fields.setdefault("is_wmr", stay.department_code == "3197")
    return StayIndicator.objects.create(
        stay=stay,
        measure=measure,
        recommendation=by_measure()[measure].id,
        state=state,
        period_date=on,
        facility=stay.facility,
        department_code=stay.department_code,
        computed_on=TODAY,
        **fields,
    )


@dataclass
class Quarter:
    a: object
    b: object
    c: object
    d: object
    earlier: object

    @property
    def stays(self) -> list:
        return [self.a, self.b, self.c, self.d, self.earlier]


def build_quarter(make_stay) -> Quarter:
    S = IndicatorState  # noqa: N806
    a, b, c = (make_stay(department_code="3197") for _ in range(3))
    d = make_stay(department_code="3100")
    earlier = make_stay(department_code="3197", admission_date=dt.date(2026, 7, 20), discharge_date=IN_Q3)
    record(a, COUNSELING, S.MET)
    record(a, GROUPS, S.MET)
    record(b, COUNSELING, S.MET)
    record(b, GROUPS, S.NOT_MET)
    record(c, COUNSELING, S.NOT_MET)
    record(c, GROUPS, S.NOT_YET_DUE)
    record(d, COUNSELING, S.NOT_APPLICABLE)
    record(earlier, COUNSELING, S.MET, on=IN_Q3)
    return Quarter(a, b, c, d, earlier)
