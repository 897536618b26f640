"""Signed notes and checkpoints, anchored to the published Go sumdb/note example.

The vector — key PeterNeumann, its seed, the two-line text and its signature — is the
example of golang.org/x/mod/sumdb/note (note.go and note_test.go), which C2SP's
signed-note specification describes. Ed25519 is deterministic, so our signer must
reproduce that signature byte for byte.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from steward.audit import notes

pytestmark = pytest.mark.no_db

GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SIGNER_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)


def test_verifier_key_and_signature_match_the_go_reference() -> None:
    key = Ed25519PrivateKey.from_private_bytes(GO_SIGNER_SEED)
    assert notes.verifier_key("PeterNeumann", key.public_key()) == GO_VERIFIER_KEY
    signature = key.sign(GO_TEXT.encode())
    token = base64.b64encode(notes.key_id("PeterNeumann", key.public_key()) + signature).decode()
    assert token == GO_SIGNATURE


def test_the_go_note_opens_and_a_changed_one_does_not() -> None:
    name, identifier, _ = notes.parse_verifier_key(GO_VERIFIER_KEY)
    assert (name, identifier.hex()) == ("PeterNeumann", "c74f20a3")
    note = f"{GO_TEXT}\n\u2014 PeterNeumann {GO_SIGNATURE}\n"
    body, _, _ = note.partition("\n\n")
    assert body + "\n" == GO_TEXT
    with pytest.raises(notes.NoteError):
        notes.open_checkpoint(note.replace("cryptography", "cryptographY"), GO_VERIFIER_KEY)


def test_checkpoint_round_trip() -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = notes.Checkpoint(origin="steward.test/audit", size=42, root=b"\x07" * 32)
    note = notes.sign(checkpoint, "steward.test/audit", key)
    lines = note.split("\n")
    assert lines[:3] == ["steward.test/audit", "42", base64.b64encode(b"\x07" * 32).decode()]
    assert lines[3] == "" and lines[4].startswith("\u2014 steward.test/audit ")
    verifier = notes.verifier_key("steward.test/audit", key.public_key())
    assert notes.open_checkpoint(note, verifier) == checkpoint


@pytest.mark.parametrize(
    "tamper",
    [
        lambda n: n.replace("\n42\n", "\n43\n"),
        lambda n: n.replace("steward.test/audit\n", "other.test/audit\n", 1),
        lambda n: n.replace("\n\n", "\n"),
        lambda n: n[:-5] + "AAAA\n",
        lambda n: n.rstrip("\n"),
    ],
)
def test_tampered_checkpoints_are_refused(tamper: object) -> None:
    key = Ed25519PrivateKey.generate()
    note = notes.sign(
        notes.Checkpoint("steward.test/audit", 42, b"\x07" * 32), "steward.test/audit", key
    )
    verifier = notes.verifier_key("steward.test/audit", key.public_key())
    with pytest.raises(notes.NoteError):
        notes.open_checkpoint(tamper(note), verifier)  # type: ignore[operator]


def test_another_key_is_not_accepted() -> None:
    signer, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    note = notes.sign(notes.Checkpoint("o", 1, b"\x01" * 32), "o", signer)
    with pytest.raises(notes.NoteError):
        notes.open_checkpoint(note, notes.verifier_key("o", stranger.public_key()))


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "name+zz+AAAA",
        "name+c74f20a3+!!!",
        GO_VERIFIER_KEY[:-4],
        "Other+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_refused(bad: str) -> None:
    with pytest.raises(notes.NoteError):
        notes.parse_verifier_key(bad)
