"""Key-encryption keys (KEKs), one series per tenant, behind a ``KeyProvider``.

The vault never sees a KEK directly: it asks the provider to wrap and unwrap
data keys. The default provider keeps each version in a file under
``STEWARD_KEY_DIR/kek/<tenant>/v<N>.key``; a cloud KMS provider would
implement the same four operations with its own key handles
(``STEWARD_KEY_PROVIDER`` names the class).
"""

from __future__ import annotations

import os
import re
import uuid
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string

from steward.core.keyfiles import KeyFileError, key_dir, read_key_file, write_key_file

_VERSION_FILE = re.compile(r"^v(\d+)\.key$")


class WrongKey(KeyFileError):
    """A key file exists but is not the key the data was sealed with."""


class KeyProvider(Protocol):
    def current_version(self, tenant_id: uuid.UUID) -> int: ...
    def versions(self, tenant_id: uuid.UUID) -> list[int]: ...
    def create_version(self, tenant_id: uuid.UUID) -> int: ...
    def retire(self, tenant_id: uuid.UUID, version: int) -> None: ...
    def wrap(self, tenant_id: uuid.UUID, version: int, data_key: bytes, aad: bytes) -> bytes: ...
    def unwrap(self, tenant_id: uuid.UUID, version: int, wrapped: bytes, aad: bytes) -> bytes: ...


class FileKeyProvider:
    """KEKs as 32-byte files (mode 0600), created on first use only where allowed."""

    def _folder(self, tenant_id: uuid.UUID) -> str:
        return f"kek/{tenant_id}"

    def versions(self, tenant_id: uuid.UUID) -> list[int]:
        folder = key_dir() / self._folder(tenant_id)
        if not folder.is_dir():
            return []
        found = (_VERSION_FILE.match(name) for name in os.listdir(folder))
        return sorted(int(match[1]) for match in found if match)

    def current_version(self, tenant_id: uuid.UUID) -> int:
        versions = self.versions(tenant_id)
        if versions:
            return versions[-1]
        if not settings.STEWARD_KEYS_AUTOCREATE:
            raise KeyFileError(
                f"No key-encryption key exists for organisation {tenant_id} in "
                f"{key_dir() / self._folder(tenant_id)}. Restore the key directory from "
                "backup, or create the first key with `steward rotate_keys --tenant "
                f"{tenant_id} --initial`."
            )
        return self.create_version(tenant_id)

    def create_version(self, tenant_id: uuid.UUID) -> int:
        version = (self.versions(tenant_id) or [0])[-1] + 1
        write_key_file(f"{self._folder(tenant_id)}/v{version}.key", AESGCM.generate_key(256))
        return version

    def retire(self, tenant_id: uuid.UUID, version: int) -> None:
        path = key_dir() / self._folder(tenant_id) / f"v{version}.key"
        if path.exists():
            # Overwrite before unlinking: the key should not linger in free blocks
            # more than the file system forces it to.
            size = path.stat().st_size
            with path.open("r+b") as handle:
                handle.write(os.urandom(size))
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        _kek.cache_clear()

    def _cipher(self, tenant_id: uuid.UUID, version: int) -> AESGCM:
        return _kek(self._folder(tenant_id), version)

    def wrap(self, tenant_id: uuid.UUID, version: int, data_key: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._cipher(tenant_id, version).encrypt(nonce, data_key, aad)

    def unwrap(self, tenant_id: uuid.UUID, version: int, wrapped: bytes, aad: bytes) -> bytes:
        try:
            return self._cipher(tenant_id, version).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise WrongKey(
                f"Key file kek/{tenant_id}/v{version}.key does not open this data key: it is "
                "not the key the data was sealed with (restored the wrong backup?)."
            ) from None


@lru_cache(maxsize=256)
def _kek(folder: str, version: int) -> AESGCM:
    raw = read_key_file(f"{folder}/v{version}.key")
    if len(raw) != 32:
        raise KeyFileError(f"{folder}/v{version}.key is not a 256-bit key ({len(raw)} bytes).")
    return AESGCM(raw)


@lru_cache(maxsize=1)
def provider() -> KeyProvider:
    provider_class = import_string(settings.STEWARD_KEY_PROVIDER)
    instance: KeyProvider = provider_class()
    return instance


# --- Blind indexes ------------------------------------------------------------------

BLIND_INDEX_ROOT_FILE = "blind-index-root.key"


@lru_cache(maxsize=1)
def _blind_index_root() -> bytes:
    root = read_key_file(BLIND_INDEX_ROOT_FILE, create=lambda: os.urandom(32))
    if len(root) != 32:
        raise KeyFileError(f"{BLIND_INDEX_ROOT_FILE} is not a 256-bit key.")
    return root


@lru_cache(maxsize=1024)
def blind_index_key(index: str, tenant_id: uuid.UUID) -> bytes:
    """A separate key per index and per tenant, derived from the root key with HKDF."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=tenant_id.bytes,
        info=f"steward/blind-index/v1/{index}".encode(),
    ).derive(_blind_index_root())


def blind_index_root_create() -> bool:
    """Create the blind-index root key of a new installation; False if it exists."""
    from steward.core.keyfiles import key_dir as folder

    if (folder() / BLIND_INDEX_ROOT_FILE).exists():
        return False
    write_key_file(BLIND_INDEX_ROOT_FILE, os.urandom(32))
    return True


def clear_caches() -> None:
    _kek.cache_clear()
    provider.cache_clear()
    _blind_index_root.cache_clear()
    blind_index_key.cache_clear()
