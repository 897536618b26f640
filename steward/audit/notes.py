"""Signed checkpoints in the C2SP formats: ``tlog-checkpoint`` inside a ``signed-note``.

A checkpoint's body is three lines — origin, tree size, base64 root hash —
each ending in a newline. The note appends a blank line and one signature
line per signer: ``— <key name> <base64(key id ‖ signature)>``, where the key
id is the first four bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key) and
the signature is Ed25519 over the body. Verifier keys are written
``<name>+<hex key id>+<base64(0x01 ‖ public key)>``.

Depends only on ``cryptography``, for the standalone verifier's sake.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_ALGORITHM = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space


class NoteError(ValueError):
    """A note, checkpoint or verifier key is malformed or its signature does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    material = name.encode() + b"\n" + ED25519_ALGORITHM + _raw_public(public_key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    encoded = base64.b64encode(ED25519_ALGORITHM + _raw_public(public_key)).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, bytes, Ed25519PublicKey]:
    try:
        # The base64 key may itself contain "+": split at the first two only.
        name, hex_id, encoded = text.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
        identifier = bytes.fromhex(hex_id)
    except ValueError as exc:
        raise NoteError("The verifier key is not name+keyid+key.") from exc
    if len(identifier) != 4 or raw[:1] != ED25519_ALGORITHM or len(raw) != 33:
        raise NoteError("The verifier key is not an Ed25519 key.")
    public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_id(name, public_key) != identifier:
        raise NoteError("The verifier key's id does not match its name and key.")
    return name, identifier, public_key


def sign(checkpoint: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> str:
    body = checkpoint.body()
    signature = private_key.sign(body.encode())
    token = base64.b64encode(key_id(name, private_key.public_key()) + signature).decode()
    return f"{body}\n{SIGNATURE_PREFIX}{name} {token}\n"


def open_checkpoint(note: str, verifier: str) -> Checkpoint:
    """Check the note's signature by ``verifier`` and return the checkpoint it carries."""
    name, identifier, public_key = parse_verifier_key(verifier)
    body, separator, signatures = note.partition("\n\n")
    if not separator or not body or not signatures.endswith("\n"):
        raise NoteError("The note has no signature block.")
    body += "\n"
    verified = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("A signature line does not start with an em dash.")
        signer, _, token = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        try:
            raw = base64.b64decode(token, validate=True)
        except ValueError as exc:
            raise NoteError("A signature is not base64.") from exc
        if signer != name or raw[:4] != identifier:
            continue  # another signer's line: a witness, say
        try:
            public_key.verify(raw[4:], body.encode())
        except InvalidSignature as exc:
            raise NoteError("The checkpoint's signature does not verify.") from exc
        verified = True
    if not verified:
        raise NoteError("The note carries no signature by the expected key.")
    return parse_checkpoint(body)


def parse_checkpoint(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("A checkpoint has an origin, a size and a root, each on its own line.")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise NoteError("The checkpoint's origin or size is malformed.")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise NoteError("The checkpoint's root is not base64.") from exc
    if len(root) != 32:
        raise NoteError("The checkpoint's root is not a SHA-256 hash.")
    return Checkpoint(origin=origin, size=int(size_text), root=root)
