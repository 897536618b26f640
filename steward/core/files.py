"""Writing secrets to disk: private from the first byte, and never two versions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_private_once(path: Path, content: bytes) -> bool:
    """Create ``path`` (mode 0600) holding ``content``; False if it already existed.

    The content goes to a private temporary file first and is then linked into
    place, so two processes starting together agree on one value and nobody
    ever reads a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Unique per writer (process and thread), so concurrent creators never share a temp file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True
