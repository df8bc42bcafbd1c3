"""The shipped definitions (JSON files next to this module): Mini-ICF-APP and the MELBA / IMBA DEMO skeletons."""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
SHIPPED: tuple[Path, ...] = (
    DEFINITIONS / "mini_icf_app-1.json",
    DEFINITIONS / "melba_demo-1.json",
    DEFINITIONS / "imba_demo-1.json",
)


def load_shipped(path: Path) -> dict:
    """The definition dict of one shipped file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
