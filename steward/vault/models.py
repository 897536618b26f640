"""Patients in the vault, and the records that outlive a disposed patient.

In clear a patient row holds only its id, tenant, status, timestamps, the
last-activity date (retention needs it), key versions and blind indexes.
Everything else is a ciphertext column ``enc_<field>``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import PublicIdModel
from steward.tenancy.models import Organization
from steward.vault.fields import PATIENT_FIELDS


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISPOSED = "disposed", "Disposed"


class PatientQuerySet(models.QuerySet["Patient"]):
    def for_tenant(self, tenant: Organization | object) -> PatientQuerySet:
        return self.filter(tenant=tenant)


class Patient(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="patients")
    status = models.CharField(
        max_length=16, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_on = models.DateField(help_text="Drives retention; not itself PHI-bearing.")
    # Envelope: the patient's data key, wrapped by the tenant's KEK.
    wrapped_dek = models.BinaryField(null=True, editable=False)
    kek_version = models.PositiveIntegerField(null=True)
    dek_version = models.PositiveIntegerField(default=1)
    # The key rotation that last re-encrypted this patient (resumes --reencrypt runs).
    last_rotation_id = models.UUIDField(null=True, blank=True)
    # Blind indexes (HMAC, truncated): equality search without decryption.
    bi_mrn = models.CharField(max_length=16, blank=True, db_index=True)
    bi_family_dob = models.CharField(max_length=16, blank=True, db_index=True)
    bi_phone = models.CharField(max_length=16, blank=True, db_index=True)
    bi_email = models.CharField(max_length=16, blank=True, db_index=True)
    # A portal login, when the patient has one (Steward's own account, not PHI storage).
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
    )
    disposed_at = models.DateTimeField(null=True, blank=True)

    enc_mrn = models.BinaryField(null=True)
    enc_given_name = models.BinaryField(null=True)
    enc_family_name = models.BinaryField(null=True)
    enc_preferred_name = models.BinaryField(null=True)
    enc_date_of_birth = models.BinaryField(null=True)
    enc_sex_at_birth = models.BinaryField(null=True)
    enc_gender_identity = models.BinaryField(null=True)
    enc_pronouns = models.BinaryField(null=True)
    enc_race = models.BinaryField(null=True)
    enc_ethnicity = models.BinaryField(null=True)
    enc_preferred_language = models.BinaryField(null=True)
    enc_interpreter_needed = models.BinaryField(null=True)
    enc_disability = models.BinaryField(null=True)
    enc_accessibility_needs = models.BinaryField(null=True)
    enc_phone = models.BinaryField(null=True)
    enc_email = models.BinaryField(null=True)
    enc_postal_address = models.BinaryField(null=True)
    enc_contact_channel = models.BinaryField(null=True)
    enc_contact_hours = models.BinaryField(null=True)
    enc_insurance_payer = models.BinaryField(null=True)
    enc_insurance_plan = models.BinaryField(null=True)
    enc_insurance_member_id = models.BinaryField(null=True)
    enc_emergency_contact = models.BinaryField(null=True)
    enc_notes = models.BinaryField(null=True)

    objects: ClassVar[PatientQuerySet] = PatientQuerySet.as_manager()  # type: ignore[assignment]

    MODEL_LABEL = "vault.patient"

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bi_mrn"],
                condition=Q(status="active") & ~Q(bi_mrn=""),
                name="vault_patient_mrn_unique_per_tenant",
            ),
            models.CheckConstraint(
                condition=Q(status="disposed") | Q(wrapped_dek__isnull=False),
                name="vault_patient_active_has_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "last_activity_on"], name="vault_patient_retention"
            )
        ]

    def __str__(self) -> str:
        # Never a name: a patient's string form must be safe to log.
        return f"patient {self.pk}"

    @property
    def is_disposed(self) -> bool:
        return self.status == PatientStatus.DISPOSED


CIPHER_COLUMNS = tuple(f"enc_{name}" for name in PATIENT_FIELDS)


class RetentionPolicy(models.Model):
    """How long a tenant keeps a patient's record after their last activity."""

    tenant = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="retention_policy"
    )
    years_after_last_activity = models.PositiveSmallIntegerField(default=6)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(years_after_last_activity__gte=1, years_after_last_activity__lte=100),
                name="vault_retention_1_to_100_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant}: {self.years_after_last_activity} years"


class DisposalRequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting the privacy officer"
    APPROVED = "approved", "Approved and carried out"
    REJECTED = "rejected", "Rejected"


class DisposalRequest(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="disposal_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    status = models.CharField(
        max_length=16, choices=DisposalRequestStatus.choices, default=DisposalRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="pending"),
                name="vault_one_pending_disposal_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"disposal request {self.pk} ({self.status})"


class DisposalCertificate(PublicIdModel):
    """The tombstone's proof: what was destroyed, under which policy, approved by whom."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="disposal_certificate"
    )
    basis = models.CharField(max_length=32)  # "retention-expired" or "approved-request"
    policy = models.CharField(max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    request = models.OneToOneField(
        DisposalRequest, on_delete=models.PROTECT, null=True, related_name="certificate"
    )
    disposed_at = models.DateTimeField()
    fields_destroyed = models.JSONField()
    kek_version_at_disposal = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ("-disposed_at",)

    def __str__(self) -> str:
        return f"disposal certificate for patient {self.patient_id}"


class KeyRotation(PublicIdModel):
    """A rotation run for one tenant, so an interrupted run can be resumed."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    target_kek_version = models.PositiveIntegerField()
    reencrypt = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True)
    patients_done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(finished_at__isnull=True),
                name="vault_one_open_rotation_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return f"rotation of {self.tenant_id} to v{self.target_kek_version}"


class SealedText(PublicIdModel):
    """A free text about a patient (a message body, a note), sealed under the patient's data
    key like a field: readable only through the gate, re-encrypted when the patient's key is
    replaced, and gone with it when the record is disposed of."""

    MODEL_LABEL = "vault.sealedtext"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sealed_texts")
    kind = models.SlugField(max_length=40)
    dek_version = models.PositiveIntegerField()
    enc_body = models.BinaryField()

    class Meta:
        ordering = ("created_at",)
        indexes = [models.Index(fields=["patient", "kind"], name="vault_sealedtext_patient")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class SealedDocument(PublicIdModel):
    """A file kept for an organisation (screening evidence, …), sealed at rest.

    Each document has its own AES-256-GCM data key, wrapped by the owning organisation's
    key-encryption key (the same ``KeyProvider`` as patients'); the ciphertext is bound to
    the document and its owner, so it cannot be moved to another row. Rotation re-wraps the
    data key before an old KEK version is retired. The bytes live in the database, so a
    document is saved — or rolled back — with the row that refers to it.
    """

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.SlugField(max_length=40)
    kek_version = models.PositiveIntegerField()
    wrapped_key = models.BinaryField()
    ciphertext = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the plaintext, checked on opening.")

    class Meta:
        ordering = ("created_at",)
        indexes = [models.Index(fields=["tenant", "kek_version"], name="vault_document_kek")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
