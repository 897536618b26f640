"""Purposes of use (minimum necessary, as data), and emergency access with its review."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from steward.core.models import PublicIdModel
from steward.tenancy.models import Organization


class PurposeOfUse(models.Model):
    """Why someone opens a record, and so which fields they may see (HIPAA §164.502(b))."""

    code = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500)
    fields = models.JSONField(help_text="The patient fields this purpose may see.")
    roles = models.JSONField(help_text="The roles that may use this purpose.")
    emergency_only = models.BooleanField(
        default=False, help_text="Usable only during a break-glass grant."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "purposes of use"

    def __str__(self) -> str:
        return self.name

    @property
    def field_set(self) -> frozenset[str]:
        return frozenset(self.fields)


class BreakGlassReason(models.TextChoices):
    LIFE_THREATENING = "life-threatening", "Life-threatening emergency"
    URGENT_CARE = "urgent-care", "Urgent care; the usual staff cannot be reached"
    PATIENT_SAFETY = "patient-safety", "Patient safety concern"
    SYSTEM_OUTAGE = "system-outage", "Normal access is unavailable (system outage)"


class BreakGlassGrant(PublicIdModel):
    """Emergency access to one patient, for a short window, always reviewed afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient_id = models.UUIDField()
    reason_code = models.CharField(max_length=32, choices=BreakGlassReason.choices)
    justification = models.TextField(max_length=2000)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "expires_at"], name="access_bg_user_expiry")]

    def __str__(self) -> str:
        return f"break-glass {self.pk} by {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Awaiting review"
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not-justified", "Not justified"


class BreakGlassReview(PublicIdModel):
    grant = models.OneToOneField(BreakGlassGrant, on_delete=models.PROTECT, related_name="review")
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    due_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ("due_at",)

    def __str__(self) -> str:
        return f"review of break-glass {self.grant_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReviewStatus.OPEN and self.due_at < timezone.now()


class CorrectiveAction(PublicIdModel):
    """Opened when emergency access was not justified; followed up by oversight."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_review = models.OneToOneField(
        BreakGlassReview, on_delete=models.PROTECT, null=True, related_name="corrective_action"
    )
    description = models.TextField(max_length=2000)
    due_on = models.DateField()
    closed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="access_corrective_action_described"
            )
        ]

    def __str__(self) -> str:
        return f"corrective action {self.pk}"


def review_due(granted_at: dt.datetime) -> dt.datetime:
    return granted_at + dt.timedelta(hours=settings.STEWARD_BREAK_GLASS_REVIEW_HOURS)
