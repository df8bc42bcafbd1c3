"""Synthetic diagnostics rows (issue 10). See synthetic.core for the frame."""

from __future__ import annotations

NAME = "diagnostics"


def seed_chunk(options, writer, chunk) -> None:
    """Not built yet."""
