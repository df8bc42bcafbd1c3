"""Domain errors of the return to work (messages are shown to the user as they are). One block per part."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patients.errors import DomainError


class ReintegrationRefused(DomainError):
    """A rule of the return to work refused the action; the message names the rule."""


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
    """The PDF could not be produced (e.g. a font file is missing); nothing was stored and the draft is kept."""

    def __init__(self, detail: str, *, copies: bool = False):
        self.detail = detail
        if copies:
            message = _("The copies could not be produced (%(detail)s); nothing was stored.")
        else:
            message = _("The letter could not be produced (%(detail)s); your draft is kept.")
        super().__init__(str(message % {"detail": detail}))
