"""The service catalogue: what a practice's virtual medical assistants do, and how fast.

A practice edits one draft at a time; publishing numbers it as the next version,
and from then on it is never changed (a change is a new version), like notices.
The response-time targets are the commitments the work queue measures against.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from steward.core.models import ImmutableRecordError, PublicIdModel
from steward.tenancy.models import Organization


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal message"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


def human_minutes(minutes: int) -> str:
    """120 → "2 h", 90 → "1 h 30 min", 2880 → "2 days" (business-hours agnostic)."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days and not rest:
        return f"{days} day{'s' if days > 1 else ''}"
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins:
        parts.append(f"{mins} min")
    return " ".join(parts)


class Catalogue(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    version = models.PositiveIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("tenant", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(status="draft"),
                name="catalog_one_draft_per_tenant",
            ),
            models.UniqueConstraint(
                fields=["tenant", "version"],
                condition=Q(version__isnull=False),
                name="catalog_version_per_tenant",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", version__isnull=True)
                | Q(status="published", version__isnull=False, published_at__isnull=False),
                name="catalog_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} catalogue {self.version or 'draft'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._published_in_database():
            raise ImmutableRecordError("A published catalogue is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._published_in_database():
            raise ImmutableRecordError("A published catalogue is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == CatalogueStatus.DRAFT

    def _published_in_database(self) -> bool:
        return (
            not self._state.adding
            and Catalogue.objects.filter(pk=self.pk, status=CatalogueStatus.PUBLISHED).exists()
        )


class DraftOnly(models.Model):
    """Rows of a catalogue change only while it is a draft."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._guard()
        return super().delete(*args, **kwargs)

    def _catalogue(self) -> Catalogue:
        raise NotImplementedError

    def _guard(self) -> None:
        if not Catalogue.objects.filter(
            pk=self._catalogue().pk, status=CatalogueStatus.DRAFT
        ).exists():
            raise ImmutableRecordError("A published catalogue is never changed.")


class Service(DraftOnly):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="services")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000)
    does = models.TextField(max_length=4000, help_text="What assistants do, one per line.")
    does_not = models.TextField(
        max_length=4000, help_text="What assistants never do, one per line."
    )
    hours = models.CharField(max_length=200)
    languages = models.JSONField(default=list)
    escalation = models.TextField(max_length=2000)

    class Meta:
        ordering = ("catalogue", "position", "name")
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "name"], name="catalog_service_name")
        ]

    def __str__(self) -> str:
        return self.name

    def _catalogue(self) -> Catalogue:
        return self.catalogue

    def does_list(self) -> list[str]:
        return [line.strip() for line in self.does.splitlines() if line.strip()]

    def does_not_list(self) -> list[str]:
        return [line.strip() for line in self.does_not.splitlines() if line.strip()]


class ResponseTarget(DraftOnly):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="targets")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ("service", "channel", "priority")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "channel", "priority"], name="catalog_target_once"
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gte=1)
                & Q(resolution_minutes__gte=F("first_response_minutes")),
                name="catalog_target_resolution_after_first_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.priority}"

    def _catalogue(self) -> Catalogue:
        return self.service.catalogue

    @property
    def first_response(self) -> str:
        return human_minutes(self.first_response_minutes)

    @property
    def resolution(self) -> str:
        return human_minutes(self.resolution_minutes)
