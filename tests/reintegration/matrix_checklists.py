"""Permission-matrix rows of the return-to-work checklists (collected by tests/test_permission_matrix.py).

The page is the care team's to read; recording an item is the care team's clinicians'. "stay_extension" (8.1)
applies to every stay.
"""

from __future__ import annotations

from tests.permissions import TEAM_READ, TEAM_WRITE_FORM, TEAM_WRITE_POST, Row, stay

ITEM = "stay_extension"


def item(o) -> list:
    return [o["stay"].pk, ITEM]


ROWS: list[Row] = [
    Row("reintegration:checklists", "get", stay, TEAM_READ),
    Row("reintegration:checklist-record", "get", item, TEAM_WRITE_FORM),
    Row(
        "reintegration:checklist-record",
        "post",
        item,
        TEAM_WRITE_POST,
        data=lambda o: {f"{ITEM}-state": "done", f"{ITEM}-on": "2026-11-04", f"{ITEM}-note": ""},
    ),
]
