"""Field encryption: AES-256-GCM under a per-patient data key, bound to where it belongs.

Ciphertext format, version 1::

    0x01 ‖ nonce (12 random bytes) ‖ AES-GCM ciphertext and 16-byte tag

The plaintext inside is ``s`` + UTF-8 text, ``t`` or ``f`` for a boolean, or
``j`` + JSON for other values (lists, addresses).

The associated data binds a ciphertext to (tenant, model, field, row id, data
key version): copied to another patient, another field or across a key
change, it fails to decrypt rather than show someone else's value.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_V1 = b"\x01"
NONCE_SIZE = 12
DEK_SIZE = 32


class IntegrityFailure(Exception):
    """A ciphertext does not belong where it was found, or was altered."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def associated_data(
    *, tenant_id: uuid.UUID, model: str, row_id: uuid.UUID, key_version: int
) -> bytes:
    """The part of the associated data shared by every field of one row."""
    return b"\x1f".join(
        (
            b"steward/vault/v1",
            tenant_id.bytes,
            model.encode(),
            row_id.bytes,
            key_version.to_bytes(4, "big"),
        )
    )


def field_aad(row_aad: bytes, field: str) -> bytes:
    return row_aad + b"\x1f" + field.encode()


# Plaintexts carry a one-byte type tag: text (most fields) is stored as its UTF-8
# bytes, booleans as a tag alone, anything else as JSON. Bulk decryption then
# costs little beyond AES-GCM itself.
_TEXT, _JSON, _TRUE, _FALSE = b"s", b"j", b"t", b"f"
_json_decode = json.JSONDecoder().decode


def encode(value: Any) -> bytes:
    if isinstance(value, str):
        return _TEXT + value.encode()
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    return _JSON + json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


_TEXT_TAG, _JSON_TAG, _TRUE_TAG, _FALSE_TAG = (tag[0] for tag in (_TEXT, _JSON, _TRUE, _FALSE))


def decode(data: bytes) -> Any:
    tag = data[0] if data else -1
    if tag == _TEXT_TAG:
        return data[1:].decode()
    if tag == _JSON_TAG:
        return _json_decode(data[1:].decode())
    if tag == _TRUE_TAG:
        return True
    if tag == _FALSE_TAG:
        return False
    raise IntegrityFailure("unknown plaintext encoding")


def seal(cipher: AESGCM, value: Any, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return FORMAT_V1 + nonce + cipher.encrypt(nonce, encode(value), aad)


def open_sealed(cipher: AESGCM, blob: bytes, aad: bytes) -> Any:
    if blob[:1] != FORMAT_V1 or len(blob) < 1 + NONCE_SIZE + 16:
        raise IntegrityFailure("unknown ciphertext format")
    try:
        return decode(cipher.decrypt(blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :], aad))
    except InvalidTag:
        raise IntegrityFailure("ciphertext does not match its place") from None
