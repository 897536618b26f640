"""Turning decrypted values into what a page shows — for the allowed fields only."""

from __future__ import annotations

from typing import Any

from steward.vault.fields import PATIENT_FIELDS


def shown(value: Any) -> str:
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part)
    return str(value)


def rows(values: dict[str, Any]) -> list[dict[str, str]]:
    """(label, shown value) in the record's own order; fields not in ``values`` do not exist."""
    return [
        {"name": name, "label": spec.label, "value": shown(values[name])}
        for name, spec in PATIENT_FIELDS.items()
        if name in values
    ]


def display_name(values: dict[str, Any]) -> str:
    given = values.get("preferred_name") or values.get("given_name") or ""
    family = values.get("family_name") or ""
    return " ".join(part for part in (given, family) if part) or "Patient"
