"""Permission-matrix rows of the integrity app (issue 11)."""

from __future__ import annotations

ROWS: list = []
