"""The return to work of a stay as the case overview shows it, composed from each part's selector."""

from __future__ import annotations

from dataclasses import dataclass

from reintegration import (
    selectors_checklists,
    selectors_indicators,
    selectors_letter,
    selectors_plan,
    selectors_rtw,
    selectors_sickleave,
)


@dataclass
class ReintegrationState:
    sick_leave: object | None  # sick-leave days in the window, BEM / graded-return triggers and their outcomes
    plan: object | None  # graded return-to-work plan: status, dates, findings, open tasks
    rtw: object | None  # return-to-work plan
    checklists: object | None  # checklists that apply, open items
    letter: object | None  # discharge letter, copies
    indicators: object | None = None  # the indicators 8.2 … 8.17 (selectors_indicators.RtwIndicators)


def stay_reintegration_state(stay, today) -> ReintegrationState:
    sick_leave = selectors_sickleave.stay_sick_leave_state(stay, today)
    return ReintegrationState(
        sick_leave=sick_leave,
        plan=selectors_plan.stay_plan_state(stay, today),
        rtw=selectors_rtw.stay_rtw_state(stay, today),
        checklists=selectors_checklists.stay_checklists_state(stay, today),
        letter=selectors_letter.stay_letter_state(stay, today),
        indicators=selectors_indicators.stay_rtw_indicators(stay, today, sick_leave=sick_leave),
    )
