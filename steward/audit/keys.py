"""The checkpoint signing key (Ed25519), kept with the other keys outside the database."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings

from steward.audit import notes
from steward.core.keyfiles import KeyFileError, read_key_file

SIGNING_KEY_FILE = "audit-checkpoint.ed25519.pem"


def origin() -> str:
    """The log's name: the first line of every checkpoint, and the signing key's name."""
    return f"{settings.STEWARD_INSTALLATION_NAME}/audit"


def _new_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )


def signing_key_create() -> bool:
    """Create the signing key of a new installation; False if one exists already."""
    from steward.core.keyfiles import key_dir, write_key_file

    if (key_dir() / SIGNING_KEY_FILE).exists():
        return False
    write_key_file(SIGNING_KEY_FILE, _new_key())
    signing_key.cache_clear()
    return True


@lru_cache(maxsize=1)
def signing_key() -> Ed25519PrivateKey:
    pem = read_key_file(SIGNING_KEY_FILE, create=_new_key)
    try:
        key = load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise KeyFileError(f"{SIGNING_KEY_FILE} is not a PEM private key.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{SIGNING_KEY_FILE} holds a key that is not Ed25519.")
    return key


def verifier_key() -> str:
    """The public verifier key, published so anyone can check checkpoints."""
    return notes.verifier_key(origin(), signing_key().public_key())
