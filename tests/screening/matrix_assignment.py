"""Permission-matrix rows of this part of the screening app (collected by tests/test_permission_matrix.py)."""

from tests.permissions import Row

ROWS: list[Row] = []
