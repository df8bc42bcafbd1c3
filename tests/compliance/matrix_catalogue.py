"""Permission-matrix rows of this part (collected by tests/test_permission_matrix.py)."""

from __future__ import annotations

ROWS: list = []
