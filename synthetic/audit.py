"""Synthetic audit rows (issue 10). See synthetic.core for the frame."""

from __future__ import annotations

NAME = "audit"


def seed_chunk(options, writer, chunk) -> None:
    """Not built yet."""
