"""Checking and normalising patient values before they are sealed.

Errors come back as one ``ValidationError`` keyed by field, so a form can
show each beside its input; nothing is sealed until every value is good.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from steward.vault import blind
from steward.vault.fields import (
    CONTACT_CHANNELS,
    OMB_ETHNICITIES,
    OMB_RACES,
    PATIENT_FIELDS,
    SEXES,
    FieldSpec,
)

REQUIRED = ("mrn", "given_name", "family_name", "date_of_birth")
_CHOICES = {
    "sex_at_birth": SEXES,
    "ethnicity": OMB_ETHNICITIES,
    "contact_channel": CONTACT_CHANNELS,
}
_ADDRESS_KEYS = ("line1", "line2", "city", "state", "postal_code", "country")
_CONTACT_KEYS = ("name", "relationship", "phone")


def _text(spec: FieldSpec, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("Enter text.")
    cleaned = value.strip()
    if len(cleaned) > spec.max_length:
        raise ValidationError(f"Use at most {spec.max_length} characters.")
    return cleaned or None


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("Enter a date as YYYY-MM-DD.") from None
    if not dt.date(1900, 1, 1) <= day <= dt.datetime.now(tz=dt.UTC).date():
        raise ValidationError("Enter a date between 1900 and today.")
    return day.isoformat()


def _mapping(value: Any, keys: tuple[str, ...], limit: int = 200) -> dict[str, str] | None:
    if value in (None, {}, ""):
        return None
    if not isinstance(value, dict) or set(value) - set(keys):
        raise ValidationError(f"Give only: {', '.join(keys)}.")
    cleaned = {}
    for key in keys:
        part = value.get(key)
        if part is not None and not isinstance(part, str):
            raise ValidationError(f"{key} must be text.")
        if part and len(part) > limit:
            raise ValidationError(f"{key} is longer than {limit} characters.")
        if part and part.strip():
            cleaned[key] = part.strip()
    return cleaned or None


def _optional(normalise: Any) -> Any:
    """A text cleaner followed by ``normalise`` when the text is not empty."""

    def clean(spec: FieldSpec, value: Any) -> Any:
        text = _text(spec, value)
        return normalise(text) if text else None

    return clean


def _email(text: str) -> str:
    validate_email(text)
    return blind.normalise_email(text)


def _bool(spec: FieldSpec, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError("Answer yes or no.")


def _races(spec: FieldSpec, value: Any) -> list[str] | None:
    chosen = list(value or [])
    strange = [item for item in chosen if item not in OMB_RACES]
    if strange:
        raise ValidationError(f"Not an OMB category: {', '.join(map(str, strange))}.")
    return sorted(set(chosen)) or None


def _contact(spec: FieldSpec, value: Any) -> dict[str, str] | None:
    contact = _mapping(value, _CONTACT_KEYS)
    if contact and contact.get("phone"):
        contact["phone"] = blind.normalise_phone(contact["phone"])
    return contact


def _choice_text(spec: FieldSpec, value: Any) -> str | None:
    text = _text(spec, value)
    if text is not None and spec.name in _CHOICES and text not in _CHOICES[spec.name]:
        raise ValidationError(f"Choose one of: {', '.join(_CHOICES[spec.name])}.")
    return text


_BY_NAME = {
    "mrn": _optional(blind.normalise_mrn),
    "phone": _optional(blind.normalise_phone),
    "email": _optional(_email),
}
_BY_KIND = {
    "date": lambda spec, value: _date(value),
    "bool": _bool,
    "list": _races,
    "address": lambda spec, value: _mapping(value, _ADDRESS_KEYS),
    "contact": _contact,
    "text": _choice_text,
}


def clean_value(name: str, value: Any) -> Any:
    """The normalised form of one field's value (``None`` means empty)."""
    spec = PATIENT_FIELDS[name]
    cleaner = _BY_NAME.get(name) or _BY_KIND[spec.kind]
    return cleaner(spec, value)


def clean_values(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = set(values) - set(PATIENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a patient field."))
    cleaned, errors = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = clean_value(name, value)
        except (ValidationError, blind.NormalisationError) as exc:
            errors[name] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for name in REQUIRED:
        if (creating or name in values) and cleaned.get(name) is None and name not in errors:
            errors[name] = ["This is required."]
    if errors:
        raise ValidationError(errors)
    return cleaned
