"""Workforce policies (code of conduct, confidentiality, acceptable use) and their acceptance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import Immutable, PublicIdModel
from steward.tenancy.models import Organization


class Policy(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60, help_text="Stable short name, used in reason codes.")
    title = models.CharField(max_length=160)
    required_for = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("tenant", "title")
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="workforce_policy_code")
        ]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(Immutable, PublicIdModel):
    """A published policy text; publishing a new version re-opens acceptance."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    summary = models.CharField(max_length=300, blank=True, help_text="What changed.")
    body = models.TextField(max_length=40000, help_text="Markdown.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("policy", "-version")
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="workforce_policy_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="workforce_policy_v_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.version}"


class PolicyAcceptance(Immutable, PublicIdModel):
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acceptances")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acceptances"
    )
    accepted_at = models.DateTimeField()
    typed_name = models.CharField(max_length=200, help_text="The name the worker typed to sign.")

    class Meta:
        ordering = ("-accepted_at",)
        constraints = [
            models.UniqueConstraint(fields=["version", "worker"], name="workforce_accept_once")
        ]

    def __str__(self) -> str:
        return f"{self.worker} accepted {self.version}"
