"""The narrow decryption API: a person's fields, by explicit name, for the gate only.

An import-linter contract allows only ``steward.access`` (and the vault
itself) to import this module. Callers decide what may be seen; this module
only refuses what cannot be read: a disposed patient, or a ciphertext that
does not belong where it was found (logged as a security event).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag

from steward.core.events import SecurityEvent, record
from steward.vault import crypto
from steward.vault.envelope import PatientCipher, PatientDisposed, open_text, unwrap_key
from steward.vault.fields import PATIENT_FIELDS
from steward.vault.models import Patient, SealedText

__all__ = ["PatientDisposed", "VaultIntegrityError", "read_fields", "read_many", "read_texts"]


class VaultIntegrityError(Exception):
    """A stored ciphertext failed authentication: it was moved, copied or altered."""


def _checked(fields: Iterable[str]) -> tuple[str, ...]:
    names = tuple(fields)
    unknown = [name for name in names if name not in PATIENT_FIELDS]
    if unknown:
        raise ValueError(f"Not patient fields: {', '.join(sorted(unknown))}")
    return names


def _report_integrity_failure(patient: Patient, field: str) -> None:
    record(
        SecurityEvent(
            action="vault.integrity-failure",
            outcome="error",
            organization=patient.tenant,
            entity_type="patient",
            entity_id=str(patient.pk),
            reasons=("ciphertext-mismatch",),
            detail={"patient": str(patient.pk), "fields_touched": [field]},
        )
    )


def _open(
    patient: Patient, cipher: PatientCipher, plan: Sequence[tuple[str, str, bytes]]
) -> dict[str, Any]:
    # Bulk reads run this loop for every field of every patient: look-ups are
    # hoisted out of it (attribute names, the associated-data prefix, the method).
    decrypt, prefix = cipher.decryptor()
    decode, version = crypto.decode, crypto.FORMAT_V1[0]
    values: dict[str, Any] = {}
    for name, attribute, label in plan:
        blob = getattr(patient, attribute)
        if blob is None:
            values[name] = None
            continue
        if not isinstance(blob, bytes):
            blob = bytes(blob)
        try:
            if blob[0] != version:
                raise crypto.IntegrityFailure("unknown ciphertext format")
            values[name] = decode(decrypt(blob[1:13], blob[13:], prefix + label))
        except (crypto.IntegrityFailure, InvalidTag):
            _report_integrity_failure(patient, name)
            raise VaultIntegrityError(
                f"The stored value of {name} for {patient} failed its integrity check."
            ) from None
    return values


def _plan(names: Sequence[str]) -> list[tuple[str, str, bytes]]:
    return [(name, f"enc_{name}", name.encode()) for name in names]


def read_fields(patient: Patient, fields: Iterable[str]) -> dict[str, Any]:
    """Decrypt exactly ``fields`` of ``patient``; no other field is touched."""
    names = _checked(fields)
    if patient.is_disposed:
        raise PatientDisposed(f"{patient} has been disposed of.")
    return _open(patient, PatientCipher(patient), _plan(names))


def read_many(patients: Iterable[Patient], fields: Iterable[str]) -> list[dict[str, Any]]:
    """``read_fields`` for many patients (one key unwrap each)."""
    plan = _plan(_checked(fields))
    results = []
    for patient in patients:
        if patient.is_disposed:
            raise PatientDisposed(f"{patient} has been disposed of.")
        results.append(_open(patient, PatientCipher(patient), plan))
    return results


def read_texts(patient: Patient, texts: Iterable[SealedText]) -> dict[Any, str]:
    """Open sealed texts of ``patient`` (id → text); a text of another patient is refused."""
    if patient.is_disposed:
        raise PatientDisposed(f"{patient} has been disposed of.")
    data_key = unwrap_key(patient)
    opened: dict[Any, str] = {}
    for text in texts:
        if text.patient_id != patient.pk or text.tenant_id != patient.tenant_id:
            raise ValueError("A sealed text was asked for through another patient.")
        try:
            opened[text.pk] = open_text(text, data_key)
        except (crypto.IntegrityFailure, InvalidTag):
            _report_integrity_failure(patient, f"sealed-text:{text.kind}")
            raise VaultIntegrityError(
                f"A sealed {text.kind} of {patient} failed its integrity check."
            ) from None
    return opened
