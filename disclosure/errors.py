"""Domain errors of the disclosure app (messages are shown to the user as they are)."""

from __future__ import annotations

from patients.errors import DomainError


class DisclosureRefused(DomainError):
    """The policy or the patient's consent does not allow the package; the message says why."""
