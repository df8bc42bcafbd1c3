"""Synthetic people rows (issue 10). See synthetic.core for the frame."""

from __future__ import annotations

NAME = "people"


def seed_chunk(options, writer, chunk) -> None:
    """Not built yet."""


def already_seeded() -> bool:
    return False


def seed_facilities(options, writer):
    return []
