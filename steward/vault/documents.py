"""Documents sealed at rest: one data key per document, wrapped by its owner's KEK.

The content is bound (AES-GCM associated data) to the owner and the document id; the
wrapped key additionally to its KEK version. Re-wrapping a key for a new KEK version leaves
the content untouched.
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
from steward.vault.keys import provider
from steward.vault.models import SealedDocument


class DocumentDamaged(Exception):
    """A document's ciphertext or wrapped key failed authentication, or its digest differs."""


def _content_aad(tenant_id: uuid.UUID, document_id: uuid.UUID) -> bytes:
    return b"\x1f".join((b"steward/vault/document/v1", tenant_id.bytes, document_id.bytes))


def _key_aad(tenant_id: uuid.UUID, document_id: uuid.UUID, kek_version: int) -> bytes:
    return b"\x1f".join(
        (
            b"steward/vault/document-key/v1",
            tenant_id.bytes,
            document_id.bytes,
            kek_version.to_bytes(4, "big"),
        )
    )


def seal_bytes(
    tenant_id: uuid.UUID, document_id: uuid.UUID, data: bytes
) -> tuple[int, bytes, bytes]:
    """Seal ``data`` for document ``document_id`` of ``tenant_id``: (KEK version, wrapped key,
    nonce + ciphertext). Also used by the migration that sealed files kept before."""
    keys = provider()
    version = keys.current_version(tenant_id)
    data_key = crypto.new_data_key()
    wrapped = keys.wrap(tenant_id, version, data_key, _key_aad(tenant_id, document_id, version))
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(data_key).encrypt(nonce, data, _content_aad(tenant_id, document_id))
    return version, wrapped, sealed


def open_bytes(
    tenant_id: uuid.UUID, document_id: uuid.UUID, kek_version: int, wrapped: bytes, sealed: bytes
) -> bytes:
    data_key = provider().unwrap(
        tenant_id, kek_version, wrapped, _key_aad(tenant_id, document_id, kek_version)
    )
    try:
        return AESGCM(data_key).decrypt(
            sealed[:12], sealed[12:], _content_aad(tenant_id, document_id)
        )
    except InvalidTag:
        raise DocumentDamaged(f"Document {document_id} failed authentication.") from None


def document_seal(*, owner: Organization, kind: str, data: bytes) -> SealedDocument:
    """Store ``data`` sealed for ``owner`` (in the caller's transaction)."""
    document = SealedDocument(
        tenant=owner, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    document.kek_version, wrapped, sealed = seal_bytes(owner.pk, document.pk, data)
    document.wrapped_key = wrapped
    document.ciphertext = sealed
    document.save()
    return document


def document_open(document: SealedDocument) -> bytes:
    """The document's bytes; ``DocumentDamaged`` if they are not the bytes that were sealed."""
    data = open_bytes(
        document.tenant_id,
        document.pk,
        document.kek_version,
        bytes(document.wrapped_key),
        bytes(document.ciphertext),
    )
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DocumentDamaged(f"Document {document.pk} does not match its digest.")
    return data


def documents_rewrap(*, tenant: Organization, target: int) -> int:
    """Re-wrap every document key of ``tenant`` not under KEK ``target``; returns how many."""
    keys = provider()
    moved = 0
    with transaction.atomic():
        # Locked in primary-key order, like every other batch lock here.
        stale = (
            SealedDocument.objects.select_for_update()
            .filter(tenant=tenant)
            .exclude(kek_version=target)
            .order_by("pk")
        )
        for document in stale:
            data_key = keys.unwrap(
                tenant.pk,
                document.kek_version,
                bytes(document.wrapped_key),
                _key_aad(tenant.pk, document.pk, document.kek_version),
            )
            document.wrapped_key = keys.wrap(
                tenant.pk, target, data_key, _key_aad(tenant.pk, document.pk, target)
            )
            document.kek_version = target
            document.save(update_fields=["wrapped_key", "kek_version"])
            moved += 1
    return moved
