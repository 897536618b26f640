"""Retention and crypto-shredding: after disposal nothing decrypts, with every key there is."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from steward.audit.models import AuditEvent
from steward.vault import crypto, keys
from steward.vault.envelope import dek_aad
from steward.vault.models import DisposalCertificate, Patient, PatientStatus
from steward.vault.services import (
    disposal_request_create,
    disposal_request_decide,
    dispose_expired,
    patient_dispose,
    retention_policy_set,
)
from tests.personas import Tenant


def every_kek(tenant_pk: Any) -> list[tuple[int, bytes]]:
    folder = keys.key_dir() / "kek" / str(tenant_pk)
    return [(int(p.stem[1:]), p.read_bytes()) for p in folder.glob("v*.key")]


def cannot_decrypt_with_any_key(backup: Patient, keys_now: list[tuple[int, bytes]]) -> bool:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    wrapped = bytes(backup.wrapped_dek)
    for _, kek in keys_now:
        try:
            AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], dek_aad(backup))
        except InvalidTag:
            continue
        return False
    return True


def test_disposal_destroys_key_and_ciphertexts_keeps_a_tombstone(
    make_patient: Any, tenant_a: Tenant
) -> None:
    patient = make_patient()
    certificate = patient_dispose(
        patient=patient,
        basis="approved-request",
        policy="test",
        approved_by=tenant_a.privacy_officer,
    )
    tombstone = Patient.objects.get(pk=patient.pk)
    assert tombstone.status == PatientStatus.DISPOSED
    assert tombstone.wrapped_dek is None and tombstone.kek_version is None
    assert all(getattr(tombstone, f"enc_{name}") is None for name in certificate.fields_destroyed)
    assert tombstone.bi_mrn == tombstone.bi_phone == ""
    assert "given_name" in certificate.fields_destroyed
    assert AuditEvent.objects.filter(event="patient.disposed", patient_id=patient.pk).exists()


def test_after_disposal_and_rotation_even_a_database_backup_cannot_be_decrypted(
    make_patient: Any, tenant_a: Tenant
) -> None:
    patient = make_patient()
    make_patient()  # someone who stays
    backup = Patient.objects.get(pk=patient.pk)  # what an old database backup still holds
    patient_dispose(patient=patient, basis="retention-expired", policy="test", approved_by=None)
    assert cannot_decrypt_with_any_key(backup, every_kek(tenant_a.practice.pk)) is False
    call_command("rotate_keys", stdout=StringIO(), stderr=StringIO())  # as dispose_expired does
    assert cannot_decrypt_with_any_key(backup, every_kek(tenant_a.practice.pk)) is True
    with pytest.raises(crypto.IntegrityFailure):
        # Even guessing: the ciphertexts cannot be opened with a KEK as if it were the data key.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        for _, kek in every_kek(tenant_a.practice.pk):
            crypto.open_sealed(AESGCM(kek), bytes(backup.enc_given_name), b"")


def test_expired_records_are_disposed_by_the_command(make_patient: Any, tenant_a: Tenant) -> None:
    today = tenant_a.practice.local_today()
    old = make_patient()
    Patient.objects.filter(pk=old.pk).update(last_activity_on=today - dt.timedelta(days=7 * 366))
    recent = make_patient()
    output = StringIO()
    call_command("dispose_expired", "--dry-run", stdout=output, stderr=StringIO())
    assert "1 record(s) past 6 years" in output.getvalue()
    assert Patient.objects.get(pk=old.pk).status == PatientStatus.ACTIVE
    call_command("dispose_expired", stdout=output, stderr=StringIO())
    assert Patient.objects.get(pk=old.pk).status == PatientStatus.DISPOSED
    assert Patient.objects.get(pk=recent.pk).status == PatientStatus.ACTIVE
    certificate = DisposalCertificate.objects.get(patient_id=old.pk)
    assert certificate.basis == "retention-expired" and "6 years" in certificate.policy
    assert keys.provider().versions(tenant_a.practice.pk) == [2]  # rotated and retired


def test_the_retention_period_is_the_practices_choice(make_patient: Any, tenant_a: Tenant) -> None:
    today = tenant_a.practice.local_today()
    patient = make_patient()
    Patient.objects.filter(pk=patient.pk).update(last_activity_on=today - dt.timedelta(days=800))
    assert dispose_expired(tenant=tenant_a.practice) == []
    retention_policy_set(tenant=tenant_a.practice, years=2, actor=tenant_a.privacy_officer)
    assert len(dispose_expired(tenant=tenant_a.practice)) == 1
    with pytest.raises(ValidationError):
        retention_policy_set(tenant=tenant_a.practice, years=0, actor=tenant_a.privacy_officer)


def test_a_request_is_approved_by_someone_else(make_patient: Any, tenant_a: Tenant) -> None:
    patient = make_patient()
    request = disposal_request_create(
        patient=patient,
        requested_by=tenant_a.client_admin,
        reason="Patient asked for erasure after transfer",
    )
    with pytest.raises(ValidationError, match="already waiting"):
        disposal_request_create(patient=patient, requested_by=tenant_a.client_admin, reason="x")
    with pytest.raises(ValidationError, match="Someone other"):
        disposal_request_decide(request=request, decided_by=tenant_a.client_admin, approve=True)
    disposal_request_decide(request=request, decided_by=tenant_a.privacy_officer, approve=True)
    assert Patient.objects.get(pk=patient.pk).status == PatientStatus.DISPOSED
    assert request.certificate.approved_by == tenant_a.privacy_officer
    with pytest.raises(ValidationError, match="decided already"):
        disposal_request_decide(request=request, decided_by=tenant_a.privacy_officer, approve=False)


def test_a_rejected_request_changes_nothing(make_patient: Any, tenant_a: Tenant) -> None:
    patient = make_patient()
    request = disposal_request_create(
        patient=patient, requested_by=tenant_a.client_admin, reason="duplicate record"
    )
    disposal_request_decide(
        request=request, decided_by=tenant_a.privacy_officer, approve=False, note="Not a duplicate"
    )
    assert Patient.objects.get(pk=patient.pk).status == PatientStatus.ACTIVE
