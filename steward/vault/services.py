"""Writing the vault: creating and changing patients, retention, and disposal.

Only the gate (``steward.access``) and the demo seeder may call these
(import-linter contract). Each opens its transaction, locks the patient row
where it changes one (so key rotation never races a write), seals values
under the patient's data key, and announces a security event naming the
fields touched — never their values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.accounts.models import User
from steward.core.dbscope import tenant_scope
from steward.core.events import SecurityEvent, record
from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.vault import blind
from steward.vault.envelope import PatientCipher, PatientDisposed, seal_text, wrap_new_key
from steward.vault.fields import PATIENT_FIELDS
from steward.vault.models import (
    CIPHER_COLUMNS,
    DisposalCertificate,
    DisposalRequest,
    DisposalRequestStatus,
    Patient,
    PatientStatus,
    RetentionPolicy,
    SealedText,
)
from steward.vault.validation import clean_values


def _event(
    action: str,
    patient: Patient,
    actor: User | None,
    fields: list[str] | None = None,
    **detail: Any,
) -> None:
    record(
        SecurityEvent(
            action=action,
            actor=actor,
            organization=patient.tenant,
            entity_type="patient",
            entity_id=str(patient.pk),
            detail={"patient": str(patient.pk), "fields_touched": sorted(fields or []), **detail},
        )
    )


def _indexes(tenant_id: uuid.UUID, values: dict[str, Any]) -> dict[str, str]:
    """Blind index columns for the indexed values present in ``values``."""
    indexes = {}
    if "mrn" in values:
        indexes["bi_mrn"] = blind.digest("mrn", tenant_id, values["mrn"]) if values["mrn"] else ""
    if "phone" in values:
        phone = values["phone"]
        indexes["bi_phone"] = blind.digest("phone", tenant_id, phone) if phone else ""
    if "email" in values:
        email = values["email"]
        indexes["bi_email"] = blind.digest("email", tenant_id, email) if email else ""
    if "family_name" in values and "date_of_birth" in values:
        family, born = values["family_name"], values["date_of_birth"]
        indexes["bi_family_dob"] = (
            blind.digest("family-dob", tenant_id, blind.normalise_family_and_birth(family, born))
            if family and born
            else ""
        )
    return indexes


def patient_create(
    *,
    tenant: Organization,
    values: dict[str, Any],
    actor: User | None,
    last_activity_on: dt.date | None = None,
) -> Patient:
    """Register a patient: a fresh data key, every value sealed, blind indexes computed."""
    if tenant.kind != OrganizationKind.COVERED_ENTITY:
        raise ValidationError("Patients belong to a covered entity (a practice).")
    cleaned = clean_values(values, creating=True)
    patient = Patient(tenant=tenant, last_activity_on=last_activity_on or tenant.local_today())
    patient.id = uuid.uuid4()
    data_key, patient.kek_version, patient.wrapped_dek = wrap_new_key(patient, dek_version=1)
    cipher = PatientCipher(patient, data_key)
    for name, value in cleaned.items():
        setattr(patient, f"enc_{name}", cipher.seal(name, value) if value is not None else None)
    for column, digest in _indexes(tenant.pk, cleaned).items():
        setattr(patient, column, digest)
    try:
        with tenant_scope([tenant.pk]):
            patient.save(force_insert=True)
            _event(
                "patient.created", patient, actor, [n for n, v in cleaned.items() if v is not None]
            )
    except IntegrityError:
        raise ValidationError({"mrn": ["Another patient of this practice has this MRN."]}) from None
    return patient


def patient_update(*, patient: Patient, changes: dict[str, Any], actor: User | None) -> Patient:
    """Change some fields; the row is locked so a key rotation cannot interleave."""
    cleaned = clean_values(changes, creating=False)
    try:
        with tenant_scope([patient.tenant_id]):
            locked = Patient.objects.select_for_update().get(pk=patient.pk)
            if locked.is_disposed:
                raise PatientDisposed(f"{locked} has been disposed of.")
            cipher = PatientCipher(locked)
            for name, value in cleaned.items():
                setattr(
                    locked, f"enc_{name}", cipher.seal(name, value) if value is not None else None
                )
            indexed = dict(cleaned)
            if ("family_name" in cleaned) != ("date_of_birth" in cleaned):
                # The combined index needs both halves: open the one not being changed.
                other = "date_of_birth" if "family_name" in cleaned else "family_name"
                blob = getattr(locked, f"enc_{other}")
                indexed[other] = cipher.open(other, bytes(blob)) if blob is not None else None
            for column, digest in _indexes(locked.tenant_id, indexed).items():
                setattr(locked, column, digest)
            locked.last_activity_on = locked.tenant.local_today()
            locked.save()
            _event("patient.updated", locked, actor, list(cleaned))
    except IntegrityError:
        raise ValidationError({"mrn": ["Another patient of this practice has this MRN."]}) from None
    return locked


def sealed_text_create(*, patient: Patient, kind: str, body: str, actor: User | None) -> SealedText:
    """Seal a free text about ``patient`` under their data key (the patient row is locked so a
    key replacement cannot interleave). The event names the text, never its words."""
    with tenant_scope([patient.tenant_id]):
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        if locked.is_disposed:
            raise PatientDisposed(f"{locked} has been disposed of.")
        text = SealedText(tenant_id=locked.tenant_id, patient=locked, kind=kind)
        seal_text(locked, text, body)
        text.save()
        _event("patient.text-sealed", locked, actor, kind=kind, text=str(text.pk))
    return text


def patient_record_activity(*, patient: Patient, on: dt.date | None = None) -> None:
    """Move the retention clock: the patient was seen or contacted."""
    day = on or patient.tenant.local_today()
    Patient.objects.filter(pk=patient.pk, last_activity_on__lt=day).update(last_activity_on=day)


# --- Retention and disposal ----------------------------------------------------------


def retention_policy_for(tenant: Organization) -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.get_or_create(tenant=tenant)
    return policy


def retention_policy_set(*, tenant: Organization, years: int, actor: User) -> RetentionPolicy:
    if not 1 <= years <= 100:
        raise ValidationError({"years_after_last_activity": "Choose between 1 and 100 years."})
    with transaction.atomic():
        policy = retention_policy_for(tenant)
        policy.years_after_last_activity = years
        policy.save()
        record(
            SecurityEvent(
                action="vault.retention-changed",
                actor=actor,
                organization=tenant,
                entity_type="retention-policy",
                entity_id=str(tenant.pk),
                detail={"years": years},
            )
        )
    return policy


def patient_dispose(
    *,
    patient: Patient,
    basis: str,
    policy: str,
    approved_by: User | None,
    request: DisposalRequest | None = None,
) -> DisposalCertificate:
    """Crypto-shred a patient: destroy the data key, blank every ciphertext and index.

    The row stays as a tombstone (its id, tenant and dates) with a certificate.
    Copies of the old wrapped key survive only in database backups; rotating
    the tenant's KEK and retiring the old version makes those useless too.
    """
    with tenant_scope([patient.tenant_id]):
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        if locked.is_disposed:
            raise PatientDisposed(f"{locked} has been disposed of already.")
        destroyed = [name for name in PATIENT_FIELDS if getattr(locked, f"enc_{name}") is not None]
        kek_version = locked.kek_version
        for column in CIPHER_COLUMNS:
            setattr(locked, column, None)
        locked.wrapped_dek = None
        locked.kek_version = None
        locked.bi_mrn = locked.bi_family_dob = locked.bi_phone = locked.bi_email = ""
        locked.status = PatientStatus.DISPOSED
        locked.disposed_at = timezone.now()
        locked.portal_user = None
        locked.save()
        SealedText.objects.filter(patient=locked).update(enc_body=b"")
        certificate = DisposalCertificate.objects.create(
            tenant=locked.tenant,
            patient=locked,
            basis=basis,
            policy=policy,
            approved_by=approved_by,
            request=request,
            disposed_at=locked.disposed_at,
            fields_destroyed=destroyed,
            kek_version_at_disposal=kek_version,
        )
        _event("patient.disposed", locked, approved_by, destroyed, basis=basis)
    return certificate


def disposal_request_create(
    *, patient: Patient, requested_by: User, reason: str
) -> DisposalRequest:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record should be destroyed."})
    if patient.is_disposed:
        raise ValidationError("This record has been disposed of already.")
    try:
        with tenant_scope([patient.tenant_id]):
            request = DisposalRequest.objects.create(
                tenant=patient.tenant,
                patient=patient,
                requested_by=requested_by,
                reason=reason.strip()[:500],
            )
            _event("patient.disposal-requested", patient, requested_by)
    except IntegrityError:
        raise ValidationError("A disposal request for this patient is already waiting.") from None
    return request


def disposal_request_decide(
    *, request: DisposalRequest, decided_by: User, approve: bool, note: str = ""
) -> DisposalRequest:
    """The privacy officer's decision; approval crypto-shreds the record at once."""
    if request.status != DisposalRequestStatus.PENDING:
        raise ValidationError("This request has been decided already.")
    if request.requested_by_id == decided_by.pk:
        raise ValidationError("Someone other than the requester must decide.")
    with tenant_scope([request.tenant_id]):
        request.status = (
            DisposalRequestStatus.APPROVED if approve else DisposalRequestStatus.REJECTED
        )
        request.decided_by, request.decided_at = decided_by, timezone.now()
        request.decision_note = note.strip()[:500]
        request.save()
        if approve:
            patient_dispose(
                patient=request.patient,
                basis="approved-request",
                policy=f"request {request.pk}: {request.reason}",
                approved_by=decided_by,
                request=request,
            )
        else:
            _event("patient.disposal-rejected", request.patient, decided_by)
    return request


def expired_patients(*, tenant: Organization, today: dt.date | None = None) -> list[Patient]:
    policy = retention_policy_for(tenant)
    day = today or tenant.local_today()
    try:
        cutoff = day.replace(year=day.year - policy.years_after_last_activity)
    except ValueError:  # 29 February
        cutoff = day.replace(month=2, day=28, year=day.year - policy.years_after_last_activity)
    with tenant_scope([tenant.pk]):
        return list(
            Patient.objects.for_tenant(tenant)
            .filter(status=PatientStatus.ACTIVE, last_activity_on__lt=cutoff)
            .order_by("pk")
        )


def dispose_expired(
    *, tenant: Organization, today: dt.date | None = None
) -> list[DisposalCertificate]:
    """Dispose of every patient past the tenant's retention period."""
    policy = retention_policy_for(tenant)
    description = f"retention: {policy.years_after_last_activity} years after last activity"
    return [
        patient_dispose(
            patient=patient, basis="retention-expired", policy=description, approved_by=None
        )
        for patient in expired_patients(tenant=tenant, today=today)
    ]
