"""Background screening: what each role needs checked, the checks, and their evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import PublicIdModel
from steward.tenancy.models import Organization
from steward.vault.models import SealedDocument
from steward.workforce.models.base import validate_roles


class ScreeningKind(models.TextChoices):
    CRIMINAL = "criminal-background", "Criminal background"
    IDENTITY = "identity", "Identity verification"
    EMPLOYMENT = "employment", "Employment verification"
    EDUCATION = "education", "Education verification"
    LICENCE = "licence", "Licence or certification verification"
    EXCLUSION = "exclusion-list", "OIG/SAM exclusion lists"


class ScreeningStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    IN_PROGRESS = "in-progress", "In progress"
    CLEAR = "clear", "Clear"
    CONSIDER = "consider", "Consider (needs adjudication)"
    ADVERSE = "adverse", "Adverse (needs adjudication)"


class Adjudication(models.TextChoices):
    PENDING = "", "Not adjudicated"
    CLEARED = "cleared", "Cleared to work"
    NOT_CLEARED = "not-cleared", "Not cleared"


class ScreeningRequirement(PublicIdModel):
    """A vendor requires ``kind`` for ``roles``, repeated every ``rescreen_months``."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=ScreeningKind.choices)
    roles = models.JSONField(default=list, validators=[validate_roles])
    rescreen_months = models.PositiveSmallIntegerField(
        default=12, help_text="A clear result is current for this many months (0: never lapses)."
    )

    class Meta:
        ordering = ("tenant", "kind")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind"], name="workforce_screening_req_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=ScreeningKind.values), name="workforce_screening_req_kind_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {', '.join(self.roles)}"


class ScreeningCheck(PublicIdModel):
    """One check of one kind on one worker, as the screening vendor reports it."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_checks"
    )
    kind = models.CharField(max_length=32, choices=ScreeningKind.choices)
    vendor = models.CharField(max_length=120, help_text="Who runs the check.")
    vendor_reference = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.INVITED
    )
    invited_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="A clear result stops counting on this day."
    )
    adjudication = models.CharField(
        max_length=16, choices=Adjudication.choices, default=Adjudication.PENDING, blank=True
    )
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    adjudication_note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("worker", "kind", "-invited_on", "-created_at")
        indexes = [models.Index(fields=["tenant", "worker", "kind"], name="workforce_check_worker")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ScreeningStatus.values), name="workforce_check_status_ok"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("invited_on")),
                name="workforce_check_completed_after_invited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.worker}: {self.get_status_display()}"

    @property
    def needs_adjudication(self) -> bool:
        return (
            self.status in (ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE)
            and not self.adjudication
        )

    def passes(self, on: dt.date) -> bool:
        """Clear (or adjudicated cleared) and not past its re-screen date on ``on``."""
        cleared = self.status == ScreeningStatus.CLEAR or (
            self.status in (ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE)
            and self.adjudication == Adjudication.CLEARED
        )
        if not cleared or self.completed_on is None or self.completed_on > on:
            return False
        return self.expires_on is None or on < self.expires_on


def evidence_upload_path(instance: Any, filename: str) -> str:
    # Where evidence files lived before they were sealed in the vault (migration 0002 moves
    # them); kept because migrations refer to it.
    return f"screening/{instance.screening.tenant_id}/{instance.pk}"


class ScreeningEvidence(PublicIdModel):
    """A report or document behind a check; served only to those who may see screening."""

    screening = models.ForeignKey(ScreeningCheck, on_delete=models.PROTECT, related_name="evidence")
    # Sealed at rest under the vendor's key (``vault.documents``); opened only by the
    # download service, which records who viewed it.
    document = models.OneToOneField(SealedDocument, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("screening", "created_at")

    def __str__(self) -> str:
        return self.original_name
