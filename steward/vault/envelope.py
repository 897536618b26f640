"""Envelope encryption of one patient: the data key (DEK), wrapped by the tenant's KEK."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.vault import crypto
from steward.vault.keys import provider
from steward.vault.models import Patient


class PatientDisposed(Exception):
    """The patient was crypto-shredded: there is no key and no data."""


def dek_aad(patient: Patient, dek_version: int | None = None) -> bytes:
    """Binds a wrapped data key to its patient, so it cannot be moved to another row."""
    version = patient.dek_version if dek_version is None else dek_version
    return b"\x1f".join(
        (
            b"steward/vault/dek/v1",
            patient.tenant_id.bytes,
            patient.pk.bytes,
            version.to_bytes(4, "big"),
        )
    )


def wrap_new_key(patient: Patient, *, dek_version: int) -> tuple[bytes, int, bytes]:
    """A fresh data key for ``patient``: (key, KEK version, wrapped key)."""
    keys = provider()
    data_key = crypto.new_data_key()
    kek_version = keys.current_version(patient.tenant_id)
    wrapped = keys.wrap(patient.tenant_id, kek_version, data_key, dek_aad(patient, dek_version))
    return data_key, kek_version, wrapped


def unwrap_key(patient: Patient) -> bytes:
    if patient.wrapped_dek is None or patient.kek_version is None:
        raise PatientDisposed(f"{patient} has been disposed of.")
    return provider().unwrap(
        patient.tenant_id, patient.kek_version, bytes(patient.wrapped_dek), dek_aad(patient)
    )


class PatientCipher:
    """Seals and opens the fields of one patient under one data key version."""

    __slots__ = ("_aes", "_row_aad")

    def __init__(
        self, patient: Patient, data_key: bytes | None = None, dek_version: int | None = None
    ) -> None:
        self._aes = AESGCM(data_key if data_key is not None else unwrap_key(patient))
        self._row_aad = crypto.associated_data(
            tenant_id=patient.tenant_id,
            model=Patient.MODEL_LABEL,
            row_id=patient.pk,
            key_version=patient.dek_version if dek_version is None else dek_version,
        )

    def seal(self, field: str, value: Any) -> bytes:
        return crypto.seal(self._aes, value, crypto.field_aad(self._row_aad, field))

    def open(self, field: str, blob: bytes) -> Any:
        return crypto.open_sealed(self._aes, blob, crypto.field_aad(self._row_aad, field))

    def decryptor(self) -> tuple[Any, bytes]:
        """The raw AES-GCM decrypt and the associated-data prefix a field name completes."""
        return self._aes.decrypt, self._row_aad + b"\x1f"


def text_aad(text: Any, dek_version: int) -> bytes:
    """Binds a sealed text to its row, its patient's tenant and the key version sealing it."""
    return crypto.field_aad(
        crypto.associated_data(
            tenant_id=text.tenant_id,
            model=text.MODEL_LABEL,
            row_id=text.pk,
            key_version=dek_version,
        ),
        "body",
    )


def seal_text(patient: Patient, text: Any, body: str, *, data_key: bytes | None = None) -> None:
    """Seal ``body`` into ``text`` (a vault SealedText) under the patient's current data key."""
    aes = AESGCM(data_key if data_key is not None else unwrap_key(patient))
    text.dek_version = patient.dek_version
    text.enc_body = crypto.seal(aes, body, text_aad(text, patient.dek_version))


def open_text(text: Any, data_key: bytes) -> str:
    body: str = crypto.open_sealed(
        AESGCM(data_key), bytes(text.enc_body), text_aad(text, text.dek_version)
    )
    return body
