"""Documents sealed at rest: one data key per document, wrapped by its owner's KEK.

The content is bound (AES-GCM associated data) to the owner, the document id, its kind and
the row it belongs to (``bound_to``: e.g. the screening evidence's id), so a document cannot
be served under another row, kind or organisation even by someone who can write to the
database. The wrapped key is bound to the owner, the document and its KEK version;
re-wrapping it for a new KEK version leaves the content untouched.

Sealing holds a lock on the owner's organisation row, and retiring an old KEK version takes
it exclusively, so a key is never retired under an upload still in flight.
"""

from __future__ import annotations

import hashlib
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import transaction

from steward.tenancy.models import Organization
from steward.vault import crypto
from steward.vault.keys import WrongKey, provider
from steward.vault.models import SealedDocument

REWRAP_BATCH = 200


class DocumentDamaged(Exception):
    """A document's ciphertext or wrapped key failed authentication, or its digest differs."""


def content_aad(
    tenant_id: uuid.UUID, document_id: uuid.UUID, kind: str, bound_to: uuid.UUID
) -> bytes:
    return b"\x1f".join(
        (
            b"steward/vault/document/v1",
            tenant_id.bytes,
            document_id.bytes,
            kind.encode(),
            bound_to.bytes,
        )
    )


def key_aad(tenant_id: uuid.UUID, document_id: uuid.UUID, kek_version: int) -> bytes:
    return b"\x1f".join(
        (
            b"steward/vault/document-key/v1",
            tenant_id.bytes,
            document_id.bytes,
            kek_version.to_bytes(4, "big"),
        )
    )


def owner_lock(owner_id: uuid.UUID, *, exclusive: bool) -> None:
    """Serialise sealing with key retirement for one owner (PostgreSQL row lock; SQLite
    already runs one writer at a time). Sealers share it with each other."""
    rows = Organization.objects.filter(pk=owner_id)
    # FOR NO KEY UPDATE for sealers (they do not block one another's foreign keys), FOR
    # UPDATE for retirement: the two conflict, so retirement waits for uploads in flight.
    locked = rows.select_for_update() if exclusive else rows.select_for_update(no_key=True)
    list(locked.values_list("pk", flat=True))


def document_seal(
    *, owner: Organization, kind: str, data: bytes, bound_to: uuid.UUID
) -> SealedDocument:
    """Store ``data`` sealed for ``owner``, for the row ``bound_to`` (caller's transaction)."""
    owner_lock(owner.pk, exclusive=False)
    keys = provider()
    document = SealedDocument(
        tenant=owner, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    document.kek_version = keys.current_version(owner.pk)
    data_key = crypto.new_data_key()
    document.wrapped_key = keys.wrap(
        owner.pk,
        document.kek_version,
        data_key,
        key_aad(owner.pk, document.pk, document.kek_version),
    )
    nonce = os.urandom(12)
    document.ciphertext = nonce + AESGCM(data_key).encrypt(
        nonce, data, content_aad(owner.pk, document.pk, kind, bound_to)
    )
    document.save()
    return document


def document_open(document: SealedDocument, *, kind: str, bound_to: uuid.UUID) -> bytes:
    """The bytes sealed for row ``bound_to`` as ``kind``; ``DocumentDamaged`` for anything else
    (altered, moved, swapped, or not what the digest says). A missing key file raises
    ``KeyFileError``: that is the operator's to fix, not the document's fault."""
    tenant_id, document_id = document.tenant_id, document.pk
    sealed = bytes(document.ciphertext)
    if document.kind != kind or len(sealed) < 12 + 16:
        raise DocumentDamaged(f"Document {document_id} is not a {kind} document.")
    try:
        data_key = provider().unwrap(
            tenant_id,
            document.kek_version,
            bytes(document.wrapped_key),
            key_aad(tenant_id, document_id, document.kek_version),
        )
        data = AESGCM(data_key).decrypt(
            sealed[:12], sealed[12:], content_aad(tenant_id, document_id, kind, bound_to)
        )
    except (WrongKey, InvalidTag, ValueError):
        raise DocumentDamaged(f"Document {document_id} failed authentication.") from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DocumentDamaged(f"Document {document_id} does not match its digest.")
    return data


def document_key_check(document: SealedDocument) -> None:
    """Unwrap the document's data key (its contents stay sealed): raises ``KeyFileError`` when
    the owner's key version is missing or is not the key the document was sealed with."""
    provider().unwrap(
        document.tenant_id,
        document.kek_version,
        bytes(document.wrapped_key),
        key_aad(document.tenant_id, document.pk, document.kek_version),
    )


def documents_rewrap(*, tenant: Organization, target: int) -> int:
    """Re-wrap every document key of ``tenant`` not under KEK ``target``; returns how many.

    Works in batches of primary keys, loading only the wrapped keys (never the contents).
    """
    keys = provider()
    stale = list(
        SealedDocument.objects.filter(tenant=tenant)
        .exclude(kek_version=target)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(stale), REWRAP_BATCH):
        with transaction.atomic():
            # Locked in primary-key order, like every other batch lock here.
            batch = (
                SealedDocument.objects.select_for_update()
                .filter(pk__in=stale[start : start + REWRAP_BATCH])
                .exclude(kek_version=target)
                .only("pk", "tenant_id", "kek_version", "wrapped_key")
                .order_by("pk")
            )
            for document in batch:
                data_key = keys.unwrap(
                    tenant.pk,
                    document.kek_version,
                    bytes(document.wrapped_key),
                    key_aad(tenant.pk, document.pk, document.kek_version),
                )
                document.wrapped_key = keys.wrap(
                    tenant.pk, target, data_key, key_aad(tenant.pk, document.pk, target)
                )
                document.kek_version = target
                document.save(update_fields=["wrapped_key", "kek_version"])
    return len(stale)
