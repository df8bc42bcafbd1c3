"""Reads of the goals app, shaped for the pages that show them."""

from __future__ import annotations


def stay_goals_state(stay, today):
    """What the case overview shows of a stay's goal agreement (filled in by the goal-agreement work)."""
    return None
