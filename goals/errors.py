"""Domain errors of the goals app (messages are shown to the user as they are)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patients.errors import DomainError


class GoalsRefused(DomainError):
    """A rule of the goal agreement refused the action; the message names the rule."""


class AgreementLocked(GoalsRefused):
    """An agreed version is never changed in place (§630f BGB): a change makes a new version."""

    default_message = _(
        "This version is agreed with the patient and cannot be changed. Start a new version to change the goals."
    )


class AgreementExists(GoalsRefused):
    default_message = _("This stay has a goal agreement already. Change it through a new version.")


class DraftPending(GoalsRefused):
    default_message = _("A new version of the goal agreement is waiting to be agreed. Please work on that version.")
