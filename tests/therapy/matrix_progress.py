"""Permission-matrix rows of this part (collected by tests/test_permission_matrix.py)."""

from tests.permissions import Row  # noqa: F401

ROWS: list = []
