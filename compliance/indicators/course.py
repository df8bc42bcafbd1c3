"""Indicator functions of this part of the catalogue (see compliance/registry.py for the contract)."""

from __future__ import annotations

STAY_BASIS: dict[str, str] = {}
FACILITY_MEASURES: dict = {}


def stay_results(stay, today) -> dict:
    return {}
