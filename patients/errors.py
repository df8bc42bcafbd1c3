"""Domain errors of the patients app. Each carries a translated message that views show as they are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A domain rule refused the action; ``message`` is shown to the user."""

    default_message = _("The action is not possible.")

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class ConsentMissing(DomainError):
    """An action needs a consent that was never given, or was withdrawn."""

    def __init__(self, kind: str, *, withdrawn: bool = False):
        from patients.models import ConsentKind

        self.kind = kind
        label = ConsentKind(kind).label
        if withdrawn:
            message = _("Not possible: the patient has withdrawn the consent “%(consent)s”.") % {"consent": label}
        else:
            message = _("Not possible: the consent “%(consent)s” is missing.") % {"consent": label}
        super().__init__(str(message))


class DuplicateMembership(DomainError):
    default_message = _("This staff member is already on the care team of this stay.")


class PossibleDuplicatePatient(DomainError):
    """A patient with the same last name and birth date, or the same insurance number, exists already."""

    default_message = _("This patient may exist already. Please choose the existing patient or confirm a new one.")

    def __init__(self, candidates):
        self.candidates = list(candidates)
        super().__init__()


class LinkInvalid(DomainError):
    """A patient link is unknown, used, expired or revoked. The message never says which, nor whose it was."""

    default_message = _("This link is not valid (any more).")


class NotAllowed(DomainError):
    default_message = _("You are not allowed to do this.")
