"""Domain errors of the return to work (messages are shown to the user as they are). One block per part."""

from __future__ import annotations

from patients.errors import DomainError


class ReintegrationRefused(DomainError):
    """A rule of the return to work refused the action; the message names the rule."""
