"""The one shape every indicator answers in (ARCHITECTURE: met, not met, not applicable, not yet due — with the reason
in words). Apps compute their indicators as pure functions returning ``IndicatorResult``; the case overview and the
compliance dashboard read the same results, so the two can never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorState(models.TextChoices):
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_YET_DUE = "not_yet_due", _("not yet due")


@dataclass(frozen=True)
class IndicatorResult:
    """``value``/``target`` carry the measured figure and the bar where there is one (e.g. 75 of 90 minutes);
    ``reason`` is a translated sentence ("first individual counseling on day 16, due by day 14")."""

    state: IndicatorState
    reason: str
    value: int | None = None
    target: int | None = None

    @property
    def met(self) -> bool:
        return self.state == IndicatorState.MET

    @property
    def percent(self) -> int | None:
        """Progress towards the bar, capped at 100 (for progress bars)."""
        if self.value is None or not self.target:
            return None
        return min(100, round(100 * self.value / self.target))
