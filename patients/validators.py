"""Pure format checks for German identifiers. No ORM; each returns nothing or raises ValidationError.

Sources: KVNR (Krankenversichertennummer, §290 SGB V, GKV-Spitzenverband guideline): one capital letter followed by
nine digits, the last a check digit computed with the modulus-10 method, weights 1-2-1-2…, over the letter's
two-digit alphabet position and the next eight digits. Rentenversicherungsnummer (§147 SGB VI): 12 characters,
two digits area number, six digits birth date (DDMMYY), the initial letter of the birth name, two digits serial
number, one check digit (weights 2-1-2-5-7-1-2-1-2-1-2-1 over the digits with the letter as its two-digit
position, cross sums of the products, sum modulo 10). IK (Institutionskennzeichen): nine digits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KVNR_RE = re.compile(r"^[A-Z][0-9]{9}$")
RVNR_RE = re.compile(r"^[0-9]{8}[A-Z][0-9]{3}$")
IK_RE = re.compile(r"^[0-9]{9}$")


def _cross_sum(number: int) -> int:
    return sum(int(d) for d in str(number))


def kvnr_check_digit(kvnr_without_check: str) -> int:
    """Check digit for a letter + 8 digits (the first nine characters of a KVNR)."""
    letter, digits = kvnr_without_check[0], kvnr_without_check[1:9]
    sequence = f"{ord(letter) - ord('A') + 1:02d}{digits}"
    total = sum(_cross_sum(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(sequence))
    return total % 10


def validate_kvnr(value: str) -> None:
    if not KVNR_RE.match(value or ""):
        raise ValidationError(
            _("The health-insurance number must be one capital letter followed by nine digits (e.g. A123456780)."),
            code="kvnr_format",
        )
    if kvnr_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            _("The health-insurance number %(value)s has a wrong check digit; please check it against the card."),
            code="kvnr_check_digit",
            params={"value": value},
        )


RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def rvnr_check_digit(rvnr_without_check: str) -> int:
    """Check digit for the first eleven characters of a pension insurance number."""
    letter_position = f"{ord(rvnr_without_check[8]) - ord('A') + 1:02d}"
    sequence = rvnr_without_check[:8] + letter_position + rvnr_without_check[9:11]
    return sum(_cross_sum(int(d) * w) for d, w in zip(sequence, RVNR_WEIGHTS, strict=True)) % 10


def validate_rvnr(value: str) -> None:
    if not RVNR_RE.match(value or ""):
        raise ValidationError(
            _(
                "The pension insurance number must have 12 characters: 8 digits, the initial of the birth name "
                "as a capital letter, 3 digits (e.g. 65170839J003)."
            ),
            code="rvnr_format",
        )
    if rvnr_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("The pension insurance number %(value)s has a wrong check digit."),
            code="rvnr_check_digit",
            params={"value": value},
        )


def validate_ik(value: str) -> None:
    if not IK_RE.match(value or ""):
        raise ValidationError(_("The IK number of a facility has exactly 9 digits."), code="ik_format")


def normalize_identifier(value: str) -> str:
    """Upper case without blanks: people type 'a 123 456 780'."""
    return re.sub(r"\s+", "", value or "").upper()
