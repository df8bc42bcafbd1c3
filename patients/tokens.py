"""One-time patient tokens: short enough to type from a paper letter, stored only as a hash.

Twelve characters from a 30-letter alphabet without look-alikes (no I, L, O, U, 0, 1) carry 58 bits; with the
rate limit on the link view and a 30-day lifetime, guessing a live token is out of reach.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
TOKEN_LENGTH = 12


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize(token: str) -> str:
    """People type tokens with blanks, dashes and lower case; all map to the stored form."""
    return "".join(ch for ch in (token or "").upper() if ch.isalnum())


def token_hash(token: str) -> str:
    return hashlib.sha256(normalize(token).encode("ascii", errors="ignore")).hexdigest()


def display(token: str) -> str:
    """XXXX-XXXX-XXXX for the letter."""
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))
