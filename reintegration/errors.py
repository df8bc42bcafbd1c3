"""Domain errors of the return to work (messages are shown to the user as they are). One block per part."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from patients.errors import DomainError


class ReintegrationRefused(DomainError):
    """A rule of the return to work refused the action; the message names the rule."""


# --- RTW plan and checklists --------------------------------------------------------------------------------------


class RtwRefused(ReintegrationRefused):
    """A rule of the return-to-work plan (rec 8.13, 8.14) refused the action."""


class RtwPlanLocked(RtwRefused):
    """An agreed version is never changed in place (§630f BGB): a change makes the next version."""

    default_message = _(
        "This version of the return-to-work plan is agreed with the patient and cannot be changed. "
        "Start a new version to change it."
    )


class RtwPlanExists(RtwRefused):
    default_message = _("This stay has a return-to-work plan already. Change it through a new version.")


class RtwDraftPending(RtwRefused):
    default_message = _(
        "A new version of the return-to-work plan is waiting to be agreed. Please work on that version."
    )


class StakeholderConsentMissing(RtwRefused):
    """Rec 10.4–10.6: a stakeholder is involved only with the patient's valid consent of the matching kind.
    ``whom`` names the stakeholder as in "contact with …"; ``withdrawn_on`` is the date of a withdrawal."""

    def __init__(self, whom: str, *, withdrawn_on: dt.date | None = None):
        self.withdrawn_on = withdrawn_on
        if withdrawn_on is None:
            message = _("The patient has not consented to contact with %(whom)s. Please record the consent first.") % {
                "whom": whom
            }
        else:
            message = _(
                "The patient has not consented to contact with %(whom)s: the consent was withdrawn on %(date)s."
            ) % {
                "whom": whom,
                "date": f"{withdrawn_on:%d.%m.%Y}",
            }
        super().__init__(str(message))


class ChecklistRefused(ReintegrationRefused):
    """A rule of the checklists (rec 8.1, 8.6–8.11, 8.15, 8.16, 10.3, 10.4) refused the entry."""


# --- discharge letter ---------------------------------------------------------------------------------------------


class LetterRefused(ReintegrationRefused):
    """A rule of the discharge letter (rec 8.6, 8.12, 8.17) refused the action."""


class LetterExists(LetterRefused):
    default_message = _("This stay has a discharge letter already. Correct a signed letter through a new version.")


class LetterLocked(LetterRefused):
    """A signed version is never changed in place (§630f BGB): a correction makes the next version."""

    default_message = _(
        "This version of the discharge letter is signed and cannot be changed. Start a new version to correct it."
    )


class LetterNotPhysician(LetterRefused):
    default_message = _("Only a physician can sign or correct the discharge letter.")


class LetterRenderFailed(LetterRefused):
    """The PDF could not be produced (e.g. a font file is missing); nothing was stored and the draft is kept.

    The letter is rendered in the clinic's language, but this message is for the user on screen: it is worded when
    it is read (``message``), in the language active then."""

    def __init__(self, detail: str = "", *, font: str = "", copies: bool = False):
        self.detail, self.font, self.copies = detail, font, copies
        Exception.__init__(self, detail or font)

    @property
    def message(self) -> str:
        detail = _("a font could not be loaded: %(font)s") % {"font": self.font} if self.font else self.detail
        if self.copies:
            return str(_("The copies could not be produced (%(detail)s); nothing was stored.") % {"detail": detail})
        return str(_("The letter could not be produced (%(detail)s); your draft is kept.") % {"detail": detail})


# --- sick leave ---------------------------------------------------------------------------------------------------


class SickLeaveRefused(ReintegrationRefused):
    """A rule of the sick-leave history, its triggers (rec 8.2, 8.4) or the work situation refused the entry."""


class SickLeaveDuplicate(SickLeaveRefused):
    default_message = _("A period with the same dates is entered already. Correct that entry instead.")


# --- graded plan --------------------------------------------------------------------------------------------------


class PlanRefused(ReintegrationRefused):
    """A rule of the graded return-to-work plan (Hamburg model, hamburg_model.md §2–§7) refused the action."""


class PlanExists(PlanRefused):
    default_message = _(
        "This stay has an open graded return-to-work plan already. Change it, or start a new version of it."
    )


class PlanLocked(PlanRefused):
    """H-6: once submitted, the plan is not changed in place; a change makes the next version."""

    default_message = _(
        "This version of the graded return-to-work plan has been submitted and cannot be changed. Start a new "
        "version to change it (H-6)."
    )


class PlanStatusRefused(PlanRefused):
    """The plan is not in a status that allows the action (§7)."""

    def __init__(self, status_label: str, action: str):
        self.status_label = status_label
        message = _("Not possible while the plan is “%(status)s”: %(action)s") % {
            "status": status_label,
            "action": action,
        }
        super().__init__(str(message))


class PlanNotReady(PlanRefused):
    """``ready`` is refused: the rule findings (errors, missing justifications, unconfirmed warnings) and the open
    prerequisites are carried as ``findings`` / ``items``; the message lists them."""

    def __init__(self, problems: list[str], *, findings=(), items=(), warnings_only: bool = False):
        self.problems = list(problems)
        self.findings = list(findings)
        self.items = list(items)
        self.warnings_only = warnings_only
        if warnings_only:
            head = _("Please confirm the warnings before the plan is marked as ready:")
        else:
            head = _("The plan cannot be marked as ready yet:")
        super().__init__(" ".join([str(head), *self.problems]))


class PhysicianOnly(PlanRefused):
    default_message = _("Only a physician can record the physician's approval of the step plan (C-3).")


class OccupationalPhysicianConsentMissing(PlanRefused):
    """C-6, rec 10.6: the occupational physician is involved only with the patient's valid consent."""


class EntitlementNotRecorded(PlanRefused):
    default_message = _(
        "The employer's consent can only be marked as not required when a severe disability or equal status is "
        "recorded in the work situation (C-4)."
    )


class CounselingIncomplete(PlanRefused):
    """K-2 (rec 8.5): counselling with all four topics before the plan is submitted."""
