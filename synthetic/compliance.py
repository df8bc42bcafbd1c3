"""Synthetic compliance rows (issue 10). See synthetic.core for the frame."""

from __future__ import annotations

NAME = "compliance"


def seed_chunk(options, writer, chunk) -> None:
    """Not built yet."""
