from __future__ import annotations

from pathlib import Path

import pytest

from steward.core import keyfiles

pytestmark = pytest.mark.no_db


@pytest.fixture
def key_dir(tmp_path: Path, settings: object) -> Path:
    settings.STEWARD_KEY_DIR = tmp_path / "keys"  # type: ignore[attr-defined]
    settings.STEWARD_KEYS_AUTOCREATE = True  # type: ignore[attr-defined]
    return tmp_path / "keys"


def test_a_missing_key_is_created_private_where_allowed(key_dir: Path) -> None:
    assert keyfiles.read_key_file("k", create=lambda: b"secret") == b"secret"
    assert oct((key_dir / "k").stat().st_mode & 0o777) == "0o600"
    assert keyfiles.read_key_file("k", create=lambda: b"other") == b"secret"


def test_a_missing_key_elsewhere_is_a_clear_error(key_dir: Path, settings: object) -> None:
    settings.STEWARD_KEYS_AUTOCREATE = False  # type: ignore[attr-defined]
    with pytest.raises(keyfiles.KeyFileError, match="missing. Restore it from your key backup"):
        keyfiles.read_key_file("k", create=lambda: b"secret")


def test_a_key_others_can_read_is_refused(key_dir: Path) -> None:
    keyfiles.read_key_file("k", create=lambda: b"secret")
    (key_dir / "k").chmod(0o644)
    with pytest.raises(keyfiles.KeyFileError, match="chmod 600"):
        keyfiles.read_key_file("k")


def test_keys_are_never_overwritten(key_dir: Path) -> None:
    keyfiles.write_key_file("k", b"one")
    with pytest.raises(keyfiles.KeyFileError, match="never overwritten"):
        keyfiles.write_key_file("k", b"two")
    assert (key_dir / "k").read_bytes() == b"one"


def test_concurrent_creators_agree_on_one_key(key_dir: Path) -> None:
    import os
    import threading

    results: list[bytes] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            results.append(keyfiles.read_key_file("shared", create=lambda: os.urandom(32)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
