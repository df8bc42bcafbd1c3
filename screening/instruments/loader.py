"""The instrument definitions shipped with the app (screening.md §9: DEMO versions, never official).

They are data files in ``definitions/``; the demo set-up and the tests load them from here, so the points are
written down once.
"""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def list_definitions() -> list[str]:
    """The file names of the shipped definitions, sorted (e.g. "simbo_c_demo_1.json")."""
    return sorted(path.name for path in DEFINITIONS_DIR.glob("*.json"))


def load_definition(name: str) -> dict:
    """A fresh dict of the shipped definition ``name`` ("simbo_c_demo_1.json"; the ".json" may be left out).

    Only shipped file names are accepted, so a name can never reach outside ``definitions/``. Raises
    FileNotFoundError for any other name.
    """
    file_name = name if name.endswith(".json") else f"{name}.json"
    if file_name not in list_definitions():
        raise FileNotFoundError(f"No shipped instrument definition named {name!r}.")
    return json.loads((DEFINITIONS_DIR / file_name).read_text(encoding="utf-8"))
