"""Scenario simulations: branching patient interactions, with demographic variants of one case.

Each variant presents the same request from a different patient (language, age,
ethnicity, disability), so the way a worker handles equivalent cases can be compared.
Step texts may name the variant with ``{patient}``, ``{language}``, ``{age}`` and
``{context}`` placeholders.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.core.models import PublicIdModel
from steward.tenancy.models import Organization


class Scenario(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    is_published = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("tenant", "title")

    def __str__(self) -> str:
        return self.title


class ScenarioStep(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField()
    prompt = models.TextField(max_length=4000)

    class Meta:
        ordering = ("scenario", "position")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "key"], name="workforce_step_key"),
        ]

    def __str__(self) -> str:
        return self.key


class ScenarioChoice(models.Model):
    step = models.ForeignKey(ScenarioStep, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    score = models.SmallIntegerField(default=0)
    feedback = models.CharField(max_length=1000, blank=True)
    next_step = models.ForeignKey(
        ScenarioStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("step", "position")

    def __str__(self) -> str:
        return self.text


class ScenarioVariant(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(max_length=80)
    patient_name = models.CharField(max_length=120, help_text="Fictional.")
    language = models.CharField(max_length=40, default="English")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    ethnicity = models.CharField(max_length=80, blank=True)
    disability = models.CharField(max_length=120, blank=True)
    context = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("scenario", "label")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "label"], name="workforce_variant_label"),
        ]

    def __str__(self) -> str:
        return self.label


class ScenarioAttempt(PublicIdModel):
    """A worker's run through one variant; ``path`` lists ``{step, choice, score}``."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="attempts")
    variant = models.ForeignKey(ScenarioVariant, on_delete=models.PROTECT, related_name="attempts")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scenario_attempts"
    )
    current_step = models.ForeignKey(
        ScenarioStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    path = models.JSONField(default=list, blank=True)
    score = models.SmallIntegerField(default=0)
    max_score = models.SmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gte=0), name="workforce_attempt_max_score_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} on {self.scenario} ({self.variant})"
