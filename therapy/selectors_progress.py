"""Progress of a stay against the bars (5.1–5.3, 6.1, 7.1, topics), for the case overview and the dashboard."""

from __future__ import annotations


def stay_therapy_state(stay, today):
    """What the case overview shows of a stay's counseling, groups and workplace training."""
    return None
