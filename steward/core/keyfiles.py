"""Key files kept outside the database, under STEWARD_KEY_DIR.

A key file must be readable by its owner only (mode 0600); a missing file is
created only where STEWARD_KEYS_AUTOCREATE is on (development and tests).
Anywhere else a missing or unreadable key stops the command with a message
that says what to do, never a traceback or a silently new key.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from steward.core.files import write_private_once


class KeyFileError(ImproperlyConfigured):
    """A key file is missing, unreadable, too widely readable or malformed."""


def key_dir() -> Path:
    return Path(settings.STEWARD_KEY_DIR)


def read_key_file(name: str, *, create: Callable[[], bytes] | None = None) -> bytes:
    """The bytes of key file ``name``; ``create`` makes one where auto-creation is allowed."""
    path = key_dir() / name
    if not path.exists():
        if create is None or not settings.STEWARD_KEYS_AUTOCREATE:
            raise KeyFileError(
                f"The key file {path} is missing. Restore it from your key backup "
                "(see docs/security.md); without it the data it protects cannot be read."
            )
        write_private_once(path, create())
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"The key file {path} can be read by others (mode {oct(mode & 0o777)}): "
            f"run `chmod 600 {path}`."
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"The key file {path} cannot be read: {exc.strerror}.") from exc


def write_key_file(name: str, content: bytes) -> Path:
    """Create key file ``name``; an existing key is never overwritten."""
    path = key_dir() / name
    if not write_private_once(path, content):
        raise KeyFileError(f"The key file {path} exists already; it is never overwritten.")
    return path
