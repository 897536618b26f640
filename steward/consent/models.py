"""Notices, the practice's consent policy per purpose, and patients' consent records.

Notices and consent records are never edited: a change is a new notice version
or a new consent record, so the history a patient (or an auditor) reads is the
history that happened. ``save`` refuses to update either, and the admin shows
them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.access.models import PurposeOfUse
from steward.core.models import Immutable, PublicIdModel
from steward.tenancy.models import Organization
from steward.vault.models import Patient

NOTICE_SECTIONS = (
    ("collection", "What we collect and how"),
    ("purposes", "Why we use it"),
    ("handlers", "Who handles it"),
    ("storage", "How it is stored and protected"),
    ("retention", "How long we keep it, and how it is disposed of"),
    ("rights", "Your rights"),
    ("contacts", "Who to contact"),
)


class Notice(Immutable, PublicIdModel):
    """One version of a practice's privacy notice (HIPAA Notice of Privacy Practices)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    material = models.BooleanField(
        help_text="A material change asks every patient who consented before to choose again."
    )
    summary = models.CharField(max_length=500, help_text="What changed since the last version.")
    collection = models.TextField(max_length=8000)
    purposes = models.TextField(max_length=8000)
    handlers = models.TextField(max_length=8000)
    storage = models.TextField(max_length=8000)
    retention = models.TextField(max_length=8000)
    rights = models.TextField(max_length=8000)
    contacts = models.TextField(max_length=8000)
    # The controller's contact point, as a consent receipt names it.
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40)
    contact_address = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=10, default="US")
    language = models.CharField(max_length=10, default="en")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("tenant", "-version")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="consent_notice_version"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="consent_notice_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} notice v{self.version}"

    def sections(self) -> list[tuple[str, str, str]]:
        return [(key, title, getattr(self, key)) for key, title in NOTICE_SECTIONS]


class AcknowledgmentOutcome(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged receipt"
    GOOD_FAITH_EFFORT = "good-faith-effort", "Not obtained; good-faith effort recorded"


class NoticeAcknowledgment(Immutable, PublicIdModel):
    """The patient acknowledged receiving a notice version, or why that could not be obtained
    (HIPAA §164.520(c)(2)(ii))."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=AcknowledgmentOutcome.choices)
    method = models.CharField(max_length=12)  # a ConsentMethod value
    effort = models.TextField(
        max_length=2000, blank=True, help_text="What was tried, and why no acknowledgment."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["tenant", "patient"], name="consent_ack_patient")]

    def __str__(self) -> str:
        return f"{self.outcome} v{self.notice_id}"


class PurposePolicy(models.Model):
    """A practice's policy for one purpose of use: does it need the patient's explicit consent?"""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    purpose = models.ForeignKey(PurposeOfUse, on_delete=models.PROTECT, related_name="+")
    consent_required = models.BooleanField()
    data_categories = models.JSONField(help_text="The categories of data the purpose covers.")
    plain_language = models.CharField(max_length=600)
    consent_valid_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="A consent expires after this many days (empty: never)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("tenant", "purpose")
        verbose_name_plural = "purpose policies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "purpose"], name="consent_policy_per_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.tenant}: {self.purpose_id}"


class Decision(models.TextChoices):
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Provision(models.TextChoices):
    CONSENT = "consent", "Consent"
    RESTRICTION = "restriction", "Restriction (HIPAA §164.522)"


class ConsentMethod(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    PAPER = "paper", "Signed paper form (scanned)"
    VERBAL = "verbal", "Verbal, recorded by staff with attestation"


class RecordedAs(models.TextChoices):
    PATIENT = "patient", "The patient"
    STAFF = "staff", "Staff, on the patient's behalf"
    REPRESENTATIVE = "representative", "A personal representative"


class ConsentRecord(Immutable, PublicIdModel):
    """One choice by (or for) a patient about one purpose. The latest record per patient,
    purpose and provision is in force; earlier ones are the history."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    purpose = models.ForeignKey(PurposeOfUse, on_delete=models.PROTECT, related_name="+")
    provision = models.CharField(
        max_length=12, choices=Provision.choices, default=Provision.CONSENT
    )
    decision = models.CharField(max_length=12, choices=Decision.choices)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=12, choices=ConsentMethod.choices)
    recorded_as = models.CharField(max_length=16, choices=RecordedAs.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    representative_name = models.CharField(max_length=200, blank=True)
    representative_authority = models.CharField(max_length=300, blank=True)
    attestation = models.TextField(max_length=2000, blank=True)
    evidence_reference = models.CharField(
        max_length=200, blank=True, help_text="Where the signed paper form is filed."
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(
                fields=["tenant", "patient", "purpose", "provision", "-created_at"],
                name="consent_record_latest",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="consent_record_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(recorded_as="representative")
                | (~Q(representative_name="") & ~Q(representative_authority="")),
                name="consent_record_representative_named",
            ),
            models.CheckConstraint(
                condition=~Q(method="verbal") | ~Q(attestation=""),
                name="consent_record_verbal_attested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.purpose_id} ({self.provision})"


class ReconsentCampaign(PublicIdModel):
    """A material notice change: affected patients are told and asked to choose again."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="campaign")
    grace_ends_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"re-consent for {self.notice}"


class ReconsentRecipient(models.Model):
    """One affected patient of a campaign: how they were told, and whether they answered."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email and portal"
        PORTAL = "portal", "Portal only"
        NONE = "none", "No portal account: tell at next contact"

    campaign = models.ForeignKey(
        ReconsentCampaign, on_delete=models.CASCADE, related_name="recipients"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    notified_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "patient"], name="consent_recipient_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.patient_id}"


class MessageStatus(models.TextChoices):
    SENT = "sent", "Sent"
    BLOCKED = "blocked", "Not sent: not permitted"
    FAILED = "failed", "Not sent: no address on file"


class OutboundMessage(PublicIdModel):
    """A message to a patient Steward sent, or refused to send. Holds no address or text."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8)
    purpose = models.CharField(max_length=60)
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=8, choices=MessageStatus.choices)
    reasons = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["tenant", "patient"], name="consent_message_patient")]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind}: {self.status}"
