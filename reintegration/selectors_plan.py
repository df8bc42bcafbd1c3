"""Reads of this part of the return to work (owned by its helper; the case overview calls ``stay_plan_state``)."""

from __future__ import annotations


def stay_plan_state(stay, today):
    """What the case overview shows of this part (None until built)."""
    return None
