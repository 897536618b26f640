"""Sealed documents: bound to their owner and id, re-wrapped when the owner's key rotates,
never opened once altered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from steward.vault import keys, rotation
from steward.vault.documents import DocumentDamaged, document_open, document_seal
from steward.vault.models import SealedDocument
from tests.personas import Tenant

REPORT = b"%PDF-1.7 background check: clear"


def test_a_document_round_trips_and_is_not_stored_in_clear(tenant_a: Tenant) -> None:
    document = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=REPORT)
    stored = SealedDocument.objects.get(pk=document.pk)
    assert REPORT not in bytes(stored.ciphertext)
    assert document_open(stored) == REPORT


def test_ciphertext_moved_to_another_document_does_not_open(tenant_a: Tenant) -> None:
    first = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=REPORT)
    second = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=b"%PDF other")
    SealedDocument.objects.filter(pk=second.pk).update(
        ciphertext=bytes(first.ciphertext), wrapped_key=bytes(first.wrapped_key)
    )
    with pytest.raises(Exception, match=r"(?i)key|authentication"):
        document_open(SealedDocument.objects.get(pk=second.pk))


def test_an_altered_document_is_refused(tenant_a: Tenant) -> None:
    document = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=REPORT)
    altered = bytearray(document.ciphertext)
    altered[20] ^= 0xFF
    SealedDocument.objects.filter(pk=document.pk).update(ciphertext=bytes(altered))
    with pytest.raises(DocumentDamaged):
        document_open(SealedDocument.objects.get(pk=document.pk))


def test_rotation_rewraps_documents_before_the_old_key_is_retired(tenant_a: Tenant) -> None:
    document = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=REPORT)
    old = document.kek_version
    output = StringIO()
    call_command("rotate_keys", "--tenant", str(tenant_a.bpo.pk), stdout=output, stderr=StringIO())
    assert "Re-wrapped the keys of 1 sealed documents" in output.getvalue()
    moved = SealedDocument.objects.get(pk=document.pk)
    assert moved.kek_version > old
    assert old not in keys.provider().versions(tenant_a.bpo.pk)  # retired
    keys.clear_caches()
    assert document_open(moved) == REPORT


def test_retiring_keys_never_strands_a_document(tenant_a: Tenant) -> None:
    document = document_seal(owner=tenant_a.bpo, kind="screening-evidence", data=REPORT)
    keys.provider().create_version(tenant_a.bpo.pk)
    retired = rotation.retire_unused(tenant=tenant_a.bpo)
    assert retired == [document.kek_version]
    keys.clear_caches()
    assert document_open(SealedDocument.objects.get(pk=document.pk)) == REPORT
