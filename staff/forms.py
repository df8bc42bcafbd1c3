"""Forms of the staff member's own account: the codes of two-factor authentication."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TOTP_CODE = re.compile(r"\d{6}")
# django-otp's backup codes: 8 characters of base32, lower case
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


def _normalised(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").lower()


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6-digit code your authenticator app shows for this account."),
    )

    def clean_code(self) -> str:
        code = _normalised(self.cleaned_data["code"])
        if not TOTP_CODE.fullmatch(code):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."), code="format")
        return code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )

    def clean_code(self) -> str:
        code = _normalised(self.cleaned_data["code"])
        if TOTP_CODE.fullmatch(code):
            self.kind = "totp"
        elif BACKUP_CODE.fullmatch(code):
            self.kind = "backup"
        else:
            raise forms.ValidationError(
                _("Enter the 6 digits from your authenticator app or a backup code (8 letters and digits)."),
                code="format",
            )
        return code
