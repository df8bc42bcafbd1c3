"""Permission-matrix rows of the reminders app (issue 11)."""

from __future__ import annotations

ROWS: list = []
