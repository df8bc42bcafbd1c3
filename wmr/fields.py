"""Model fields every app uses the same way."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def author_field(verbose_name, **kwargs) -> models.ForeignKey:
    """Who created or recorded a row. Optional (system and patient-link writes have none) and kept when the staff
    account goes: the audit log and simple-history keep the person's name."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **kwargs,
    )
