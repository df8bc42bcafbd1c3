"""Reads of the diagnostics app: comparison, team conferences, planned therapies."""

from __future__ import annotations


def stay_conference_state(stay, today):
    """What the case overview shows of a stay's profile comparison, conferences and planned therapies."""
    return None
