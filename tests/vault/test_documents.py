"""Sealed documents: bound to their owner and id, re-wrapped when the owner's key rotates,
never opened once altered."""

from __future__ import annotations

import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from steward.vault import keys, rotation
from steward.vault.documents import DocumentDamaged, document_open, document_seal
from steward.vault.models import SealedDocument
from tests.personas import Tenant

REPORT = b"%PDF-1.7 background check: clear"
KIND = "screening-evidence"


def seal(tenant: Tenant, data: bytes = REPORT, row: uuid.UUID | None = None) -> SealedDocument:
    return document_seal(owner=tenant.bpo, kind=KIND, data=data, bound_to=row or uuid.uuid4())


def unseal(document: SealedDocument, row: uuid.UUID) -> bytes:
    return document_open(SealedDocument.objects.get(pk=document.pk), kind=KIND, bound_to=row)


def test_a_document_round_trips_and_is_not_stored_in_clear(tenant_a: Tenant) -> None:
    row = uuid.uuid4()
    document = seal(tenant_a, row=row)
    assert REPORT not in bytes(SealedDocument.objects.get(pk=document.pk).ciphertext)
    assert unseal(document, row) == REPORT


def test_a_document_opens_only_for_its_own_row_and_kind(tenant_a: Tenant) -> None:
    row = uuid.uuid4()
    document = seal(tenant_a, row=row)
    with pytest.raises(DocumentDamaged):
        unseal(document, uuid.uuid4())  # served under another evidence row
    with pytest.raises(DocumentDamaged):
        document_open(document, kind="other-kind", bound_to=row)


def test_ciphertext_moved_to_another_document_does_not_open(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    row = uuid.uuid4()
    first = seal(tenant_a, row=row)
    for other in (seal(tenant_a, b"%PDF other"), seal(tenant_b, b"%PDF theirs")):
        SealedDocument.objects.filter(pk=other.pk).update(
            ciphertext=bytes(first.ciphertext), wrapped_key=bytes(first.wrapped_key)
        )
        with pytest.raises(DocumentDamaged):
            unseal(other, row)


def test_an_altered_or_truncated_document_is_refused(tenant_a: Tenant) -> None:
    row = uuid.uuid4()
    document = seal(tenant_a, row=row)
    altered = bytearray(document.ciphertext)
    altered[20] ^= 0xFF
    for damaged in (bytes(altered), b"short"):
        SealedDocument.objects.filter(pk=document.pk).update(ciphertext=damaged)
        with pytest.raises(DocumentDamaged):
            unseal(document, row)


def test_rotation_rewraps_documents_before_the_old_key_is_retired(tenant_a: Tenant) -> None:
    row = uuid.uuid4()
    document = seal(tenant_a, row=row)
    old = document.kek_version
    output = StringIO()
    call_command("rotate_keys", "--tenant", str(tenant_a.bpo.pk), stdout=output, stderr=StringIO())
    assert "Re-wrapped the keys of 1 sealed documents" in output.getvalue()
    moved = SealedDocument.objects.get(pk=document.pk)
    assert moved.kek_version > old
    assert old not in keys.provider().versions(tenant_a.bpo.pk)  # retired
    keys.clear_caches()
    assert unseal(moved, row) == REPORT


def test_retiring_keys_never_strands_a_document(tenant_a: Tenant) -> None:
    row = uuid.uuid4()
    document = seal(tenant_a, row=row)
    keys.provider().create_version(tenant_a.bpo.pk)
    retired = rotation.retire_unused(tenant=tenant_a.bpo)
    assert retired == [document.kek_version]
    keys.clear_caches()
    assert unseal(document, row) == REPORT


def test_a_missing_vendor_key_stops_the_checks_and_fails_verification(
    tenant_a: Tenant, key_folder: Path
) -> None:
    document = seal(tenant_a)
    output = StringIO()
    call_command("verify_vault", stdout=output, stderr=StringIO())
    assert "1 sealed documents checked, 0 problem(s)" in output.getvalue()
    (key_folder / "kek" / str(tenant_a.bpo.pk) / f"v{document.kek_version}.key").unlink()
    keys.clear_caches()
    with pytest.raises(SystemCheckError, match="steward.vault.E001"):
        call_command("check", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="failed verification"):
        call_command("verify_vault", stdout=StringIO(), stderr=StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_is_not_retired_under_an_upload_in_flight(tenant_a: Tenant) -> None:
    """An upload sealing under version N holds the owner's lock until it commits; retiring N
    waits for it, re-wraps its document, and only then retires N."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("Row locks between two connections need PostgreSQL; SQLite serialises.")
    row = uuid.uuid4()
    sealed = threading.Event()
    release = threading.Event()
    made: list[SealedDocument] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            with transaction.atomic():
                made.append(seal(tenant_a, row=row))
                sealed.set()
                release.wait(timeout=10)  # commit only after retirement has started waiting
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    first = keys.provider().current_version(tenant_a.bpo.pk)
    thread = threading.Thread(target=upload)
    thread.start()
    assert sealed.wait(timeout=10)
    keys.provider().create_version(tenant_a.bpo.pk)
    retired: list[list[int]] = []

    def retire() -> None:
        try:
            retired.append(rotation.retire_unused(tenant=tenant_a.bpo))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    retiring = threading.Thread(target=retire)
    retiring.start()
    retiring.join(timeout=1)
    assert retiring.is_alive()  # waiting for the upload's lock
    release.set()
    thread.join(timeout=10)
    retiring.join(timeout=10)
    assert errors == []
    assert retired == [[first]]  # retired only after the document moved to the new key
    keys.clear_caches()
    assert unseal(made[0], row) == REPORT
