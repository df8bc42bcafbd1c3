"""Domain errors of the screening app (messages are shown to the user as they are)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patients.errors import DomainError


class NoScreeningSetting(DomainError):
    default_message = _("No screening instrument is set for this facility and department yet.")


class InstrumentLocked(DomainError):
    default_message = _("This instrument version already has results and cannot be changed; import a new version.")


class InvalidDefinition(DomainError):
    """A definition failed the schema; ``errors`` lists (path, message) per wrong field."""

    default_message = _("The instrument definition is not valid.")

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__()


class InvalidAnswer(DomainError):
    """An answer outside the options or range; ``item`` names the question."""

    def __init__(self, item: str, message: str):
        self.item = item
        super().__init__(message)


class AssignmentRefused(DomainError):
    """A step of the assignment workflow is missing or blocks the decision (A-3…A-6)."""
