"""Goal-agreement fixtures: the conftest stay (admitted Monday 2.11.2026, discharge 7.12.2026) with a draft or an
agreed version, written through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from goals import services

ADMISSION = dt.date(2026, 11, 2)
DAY2 = dt.date(2026, 11, 3)
DAY7 = dt.date(2026, 11, 8)
DAY8 = dt.date(2026, 11, 9)
TODAY = dt.date(2026, 11, 20)  # day 19: every date above is in the past


def goal_values(**overrides) -> dict:
    values = {
        "area": "work",
        "text": "Wieder vier Stunden am Stück am Schreibtisch arbeiten",
        "target": "4 Stunden Büroarbeit an 3 Tagen der Arbeitstherapie",
        "responsible": "patient",
        "responsible_name": "",
        "review_on": dt.date(2026, 11, 16),
    }
    values.update(overrides)
    return values


@pytest.fixture
def draft(stay, treating_psychologist):
    """Version 1 as a draft with two goals, written on day 2."""
    agreement = services.agreement_start(by=treating_psychologist, stay=stay, written_on=DAY2, today=TODAY)
    services.goal_add(by=treating_psychologist, agreement=agreement, **goal_values())
    services.goal_add(
        by=treating_psychologist,
        agreement=agreement,
        **goal_values(
            area="health",
            text="Pausen einhalten",
            target="Jede Stunde 5 Minuten Pause",
            responsible="named",
            responsible_name="Frau Hartmann (Ergotherapie)",
            review_on=dt.date(2026, 11, 18),
        ),
    )
    return agreement


@pytest.fixture
def agreed(draft, treating_psychologist):
    """Version 1 agreed on day 3 in a conversation."""
    return services.agreement_agree(
        by=treating_psychologist,
        agreement=draft,
        agreed_on=dt.date(2026, 11, 4),
        agreed_how="conversation",
        today=TODAY,
    )
