"""Domain errors of compliance (messages are shown to the user as they are). One block per part."""

from __future__ import annotations

from patients.errors import DomainError


class ComplianceRefused(DomainError):
    """A rule of the compliance app refused the action; the message names the rule."""
