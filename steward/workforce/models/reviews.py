"""Access reviews: periodic recertification of each worker's role, team and client access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import PublicIdModel
from steward.tenancy.models import Membership, Organization


class AccessReviewCampaign(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    opened_on = models.DateField()
    deadline = models.DateField(help_text="Items not decided by the end of this day are revoked.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("tenant", "-opened_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opened_on")),
                name="workforce_review_deadline_after_open",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVE = "approve", "Approve"
    REVOKE = "revoke", "Revoke"
    ESCALATE = "escalate", "Escalate"


class AccessReviewItem(PublicIdModel):
    """One membership to recertify; ``access`` is what it held when the campaign opened."""

    campaign = models.ForeignKey(
        AccessReviewCampaign, on_delete=models.PROTECT, related_name="items"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    access = models.JSONField(default=dict)
    flags = models.JSONField(default=list, blank=True)
    decision = models.CharField(
        max_length=16, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    automatic = models.BooleanField(default=False, help_text="Revoked at the deadline.")

    class Meta:
        ordering = ("campaign", "membership__user__full_name")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "membership"], name="workforce_review_item_once"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values),
                name="workforce_review_decision_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.campaign}"


class AccessReviewDecision(models.Model):
    """The history of an item: every decision, including changed minds and escalations."""

    item = models.ForeignKey(AccessReviewItem, on_delete=models.CASCADE, related_name="history")
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    automatic = models.BooleanField(default=False)

    class Meta:
        ordering = ("item", "decided_at", "id")

    def __str__(self) -> str:
        return f"{self.decision} on {self.item}"
