"""Permission-matrix rows of the disclosure app (issue 11)."""

from __future__ import annotations

ROWS: list = []
