"""Permission-matrix rows of the interop app (issue 11)."""

from __future__ import annotations

ROWS: list = []
