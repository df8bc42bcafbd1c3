"""Reads of the diagnostics app: sessions, job descriptions, profiles (shaped for the pages that show them)."""

from __future__ import annotations


def stay_diagnostics_state(stay, today):
    """What the case overview shows of a stay's diagnostics and profiles."""
    return None
