"""Permission-matrix rows of the catalogue (collected by tests/test_permission_matrix.py): every logged-in staff
member reads it (it holds no patient data)."""

from __future__ import annotations

from tests.permissions import LOGGED_IN, Row

ROWS: list = [
    Row("compliance:catalogue", "get", lambda o: [], LOGGED_IN),
    Row("compliance:recommendation", "get", lambda o: ["8.12"], LOGGED_IN),
]
