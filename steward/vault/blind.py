"""Blind indexes: exact-match search over encrypted fields without decrypting them.

Each index is HMAC-SHA256 of a normalised value under its own key (derived per
index and per tenant from a root key kept outside the database), truncated to
``LENGTH`` bytes. An index reveals only which rows share a value, and only
within one tenant; the truncation length and what it leaks are discussed in
docs/security.md. Every match is re-checked against the decrypted value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
import uuid

import phonenumbers

from steward.vault.keys import blind_index_key

LENGTH = 8  # bytes; stored as 16 hex digits
DEFAULT_PHONE_REGION = "US"


class NormalisationError(ValueError):
    """A value cannot be brought to its canonical form (an impossible phone number, say)."""


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def normalise_mrn(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).upper().split())


def normalise_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise NormalisationError(f"“{value}” is not a phone number.") from exc
    if not phonenumbers.is_possible_number(number):
        raise NormalisationError(f"“{value}” is not a possible phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_family_and_birth(family_name: str, date_of_birth: dt.date | str) -> str:
    born = date_of_birth if isinstance(date_of_birth, str) else date_of_birth.isoformat()
    return f"{_text(family_name)}|{born}"


def digest(index: str, tenant_id: uuid.UUID, normalised: str) -> str:
    mac = hmac.new(blind_index_key(index, tenant_id), normalised.encode(), hashlib.sha256)
    return mac.digest()[:LENGTH].hex()
