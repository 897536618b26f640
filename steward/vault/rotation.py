"""Key rotation: new KEK versions, re-wrapping (or re-encrypting) patients, retiring old keys.

A rotation is recorded (``KeyRotation``) before any patient changes, and each
batch commits on its own, so an interrupted run resumes where it stopped.
Rows are locked in primary-key order — the order every writer locks a single
row in — so a concurrent write waits for its row's batch and is never lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from steward.core.dbscope import tenant_scope
from steward.core.events import SecurityEvent, record
from steward.tenancy.models import Organization
from steward.vault import blind
from steward.vault.documents import documents_rewrap, owner_lock
from steward.vault.envelope import (
    PatientCipher,
    dek_aad,
    open_text,
    seal_text,
    unwrap_key,
    wrap_new_key,
)
from steward.vault.fields import PATIENT_FIELDS
from steward.vault.keys import provider
from steward.vault.models import KeyRotation, Patient, PatientStatus, SealedDocument, SealedText

Progress = Callable[[int], None]


class RotationConflict(Exception):
    """An unfinished rotation of another kind is open for this tenant."""


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


def rotation_open(*, tenant: Organization, reencrypt: bool) -> tuple[KeyRotation, bool]:
    """The tenant's unfinished rotation, or a new one with a new KEK version.

    Returns (rotation, resumed).
    """
    with transaction.atomic():
        existing = (
            KeyRotation.objects.select_for_update()
            .filter(tenant=tenant, finished_at__isnull=True)
            .first()
        )
        if existing is not None:
            if existing.reencrypt != reencrypt:
                kind = "with" if existing.reencrypt else "without"
                raise RotationConflict(
                    f"An interrupted rotation {kind} --reencrypt is open for {tenant}; "
                    f"finish it first by running the same command {kind} --reencrypt."
                )
            return existing, True
        version = provider().create_version(tenant.pk)
        rotation = KeyRotation.objects.create(
            tenant=tenant, target_kek_version=version, reencrypt=reencrypt
        )
        record(
            SecurityEvent(
                action="key.rotation-started",
                organization=tenant,
                entity_type="key-rotation",
                entity_id=str(rotation.pk),
                detail={"kek_version": version, "reencrypt": reencrypt},
            )
        )
    return rotation, False


def _pending(rotation: KeyRotation) -> Iterator[uuid.UUID]:
    patients = Patient.objects.for_tenant(rotation.tenant_id).filter(status=PatientStatus.ACTIVE)
    if rotation.reencrypt:
        patients = patients.exclude(last_rotation_id=rotation.pk)
    else:
        patients = patients.exclude(kek_version=rotation.target_kek_version)
    return patients.order_by("pk").values_list("pk", flat=True)  # type: ignore[return-value]


def pending_count(rotation: KeyRotation) -> int:
    with tenant_scope([rotation.tenant_id]):
        return len(list(_pending(rotation)))


def _rewrap(patient: Patient, target: int) -> None:
    data_key = unwrap_key(patient)
    patient.wrapped_dek = provider().wrap(patient.tenant_id, target, data_key, dek_aad(patient))
    patient.kek_version = target


def _reencrypt(patient: Patient, rotation: KeyRotation) -> None:
    old_key = unwrap_key(patient)
    old = PatientCipher(patient, old_key)
    values = {
        name: old.open(name, bytes(blob))
        for name in PATIENT_FIELDS
        if (blob := getattr(patient, f"enc_{name}")) is not None
    }
    version = patient.dek_version + 1
    data_key, patient.kek_version, patient.wrapped_dek = wrap_new_key(patient, dek_version=version)
    new = PatientCipher(patient, data_key, dek_version=version)
    for name, value in values.items():
        setattr(patient, f"enc_{name}", new.seal(name, value))
    # Sealed texts (message bodies, notes) move to the new key with the fields.
    texts = list(SealedText.objects.filter(patient=patient))
    bodies = [open_text(text, old_key) for text in texts]
    patient.dek_version = version
    for text, body in zip(texts, bodies, strict=True):
        seal_text(patient, text, body, data_key=data_key)
    SealedText.objects.bulk_update(texts, ["dek_version", "enc_body"])
    patient.last_rotation_id = rotation.pk


def rotate(rotation: KeyRotation, *, batch: int = 200, progress: Progress | None = None) -> int:
    """Move every pending patient to the rotation's key; returns how many moved."""
    moved = 0
    with tenant_scope([rotation.tenant_id]):
        pending = list(_pending(rotation))
    for start in range(0, len(pending), batch):
        ids = pending[start : start + batch]
        with tenant_scope([rotation.tenant_id]):
            # Lock in primary-key order: writers lock one row at a time, so no deadlock.
            locked = Patient.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            for patient in locked:
                if patient.is_disposed:
                    continue
                if rotation.reencrypt:
                    _reencrypt(patient, rotation)
                else:
                    _rewrap(patient, rotation.target_kek_version)
                patient.save(
                    update_fields=[
                        "wrapped_dek",
                        "kek_version",
                        "dek_version",
                        "last_rotation_id",
                        *(f"enc_{name}" for name in PATIENT_FIELDS),
                    ]
                    if rotation.reencrypt
                    else ["wrapped_dek", "kek_version"]
                )
                moved += 1
            KeyRotation.objects.filter(pk=rotation.pk).update(
                patients_done=rotation.patients_done + moved
            )
        if progress is not None:
            progress(len(ids))
    return moved


def rotation_finish(rotation: KeyRotation) -> None:
    with transaction.atomic():
        rotation.finished_at = timezone.now()
        rotation.patients_done = KeyRotation.objects.get(pk=rotation.pk).patients_done
        rotation.save(update_fields=["finished_at", "patients_done"])
        record(
            SecurityEvent(
                action="key.rotated",
                organization=rotation.tenant,
                entity_type="key-rotation",
                entity_id=str(rotation.pk),
                detail={
                    "kek_version": rotation.target_kek_version,
                    "reencrypt": rotation.reencrypt,
                    "patients": rotation.patients_done,
                },
            )
        )


def verify_tenant(*, tenant: Organization, progress: Progress | None = None) -> VerifyResult:
    """Open every field of every active patient and re-derive the blind indexes."""
    result = VerifyResult()
    with tenant_scope([tenant.pk]):
        for patient in (
            Patient.objects.for_tenant(tenant)
            .filter(status=PatientStatus.ACTIVE)
            .iterator(chunk_size=500)
        ):
            try:
                cipher = PatientCipher(patient)
                values = {
                    name: cipher.open(name, bytes(blob))
                    for name in PATIENT_FIELDS
                    if (blob := getattr(patient, f"enc_{name}")) is not None
                }
            except Exception as exc:
                result.problems.append((str(patient.pk), f"cannot be opened: {exc}"))
            else:
                if values.get("mrn") and patient.bi_mrn != blind.digest(
                    "mrn", tenant.pk, values["mrn"]
                ):
                    result.problems.append((str(patient.pk), "MRN index does not match"))
            result.checked += 1
            if progress is not None:
                progress(1)
    return result


def retire_unused(*, tenant: Organization) -> list[int]:
    """Retire every KEK version but the newest that no patient's key (or document's) uses."""
    keys = provider()
    versions = keys.versions(tenant.pk)
    retired: list[int] = []
    if not versions:
        return retired
    with transaction.atomic(), tenant_scope([tenant.pk]):
        # Exclusive with sealing a document (``vault.documents.owner_lock``): an upload in
        # flight under an old version commits first, is re-wrapped here, and only then can
        # the version go.
        owner_lock(tenant.pk, exclusive=True)
        documents_rewrap(tenant=tenant, target=versions[-1])
        for version in versions[:-1]:
            if Patient.objects.for_tenant(tenant).filter(kek_version=version).exists():
                continue
            if SealedDocument.objects.filter(tenant=tenant, kek_version=version).exists():
                continue
            if KeyRotation.objects.filter(tenant=tenant, finished_at__isnull=True).exists():
                continue
            keys.retire(tenant.pk, version)
            record(
                SecurityEvent(
                    action="key.retired",
                    organization=tenant,
                    entity_type="kek",
                    entity_id=f"{tenant.pk}/v{version}",
                    detail={"kek_version": version},
                )
            )
            retired.append(version)
    return retired
