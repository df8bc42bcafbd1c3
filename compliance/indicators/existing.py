"""Adapters for the indicator functions that live with their apps already: therapy (5.1, 5.2, 5.3, 6.1, 7.1) and
reintegration (8.2, 8.4, 8.6, 8.12, 8.13, 8.17). The core engineer completes this module."""

from __future__ import annotations

STAY_BASIS: dict[str, str] = {}


def stay_results(stay, today) -> dict:
    return {}
