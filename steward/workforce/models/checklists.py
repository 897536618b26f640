"""Onboarding and offboarding checklists: automatic steps and the ones people tick."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import PublicIdModel
from steward.tenancy.models import Membership, Organization


class ChecklistKind(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    OFFBOARDING = "offboarding", "Offboarding"


class Checklist(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ChecklistKind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("tenant", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind"], name="workforce_one_checklist_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChecklistKind.values), name="workforce_checklist_kind_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.membership}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    automatic = models.BooleanField(default=False, help_text="Done or checked by Steward.")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("checklist", "position")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="workforce_item_code"),
        ]

    def __str__(self) -> str:
        return self.label
