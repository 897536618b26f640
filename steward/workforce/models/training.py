"""Training: courses with versions (lessons, a quiz, a pass mark), assignments and attempts.

A published version is never changed: a change is a new version, and publishing it
assigns it again to everyone whose role requires the course.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from steward.core.models import PublicIdModel
from steward.tenancy.models import Organization
from steward.workforce.models.base import validate_roles


class CourseCategory(models.TextChoices):
    PRIVACY = "privacy-security", "HIPAA privacy and security"
    BIAS = "bias-awareness", "Bias awareness"
    INCLUSIVE = "inclusive-care", "Inclusive care and cultural humility"
    ETHICS = "ethics", "Ethics and professional boundaries"
    DEESCALATION = "de-escalation", "De-escalation"
    PROTOCOLS = "protocols", "Role-specific protocols"


class Course(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60, help_text="Stable short name, used in reason codes.")
    title = models.CharField(max_length=160)
    category = models.CharField(max_length=32, choices=CourseCategory.choices)
    required_for = models.JSONField(
        default=list, blank=True, help_text="Roles that must hold a current completion."
    )
    validity_months = models.PositiveSmallIntegerField(
        default=12, help_text="A pass counts for this many months."
    )
    due_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days a worker has to complete a new assignment."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("tenant", "title")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="workforce_course_code"),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1), name="workforce_course_validity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.required_for:
            validate_roles(self.required_for)


class CourseVersion(PublicIdModel):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    summary = models.CharField(max_length=300, blank=True, help_text="What changed.")
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent to pass.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("course", "-version")
        constraints = [
            models.UniqueConstraint(fields=["course", "version"], name="workforce_course_version"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="workforce_course_pass_mark_1_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Lesson(models.Model):
    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=20000, help_text="Markdown.")

    class Meta:
        ordering = ("version", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="workforce_lesson_position"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A multiple-choice question: ``choices`` is a list of texts, ``correct`` an index."""

    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField(max_length=500)
    choices = models.JSONField(default=list)
    correct = models.PositiveSmallIntegerField()
    explanation = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("version", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="workforce_question_position"
            )
        ]

    def __str__(self) -> str:
        return self.prompt


class TrainingAssignment(PublicIdModel):
    """A worker must complete a course version by ``due_on``.

    ``superseded_at`` is set when a newer version is assigned instead: a link to a
    superseded assignment no longer opens the quiz.
    """

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_assignments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField()
    due_on = models.DateField()
    reason = models.CharField(max_length=40, default="required")
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("worker", "course", "-assigned_on")
        indexes = [
            models.Index(fields=["tenant", "worker", "course"], name="workforce_assign_worker")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "course"],
                condition=Q(completed_at__isnull=True, superseded_at__isnull=True),
                name="workforce_one_open_assignment",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("assigned_on")),
                name="workforce_assignment_due_after_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.worker}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.superseded_at is None

    def completion_current(self, on: dt.date, zone: dt.tzinfo | None = None) -> bool:
        """A pass on or before ``on`` that has not expired; ``on`` is a day in ``zone`` (the
        vendor's time zone; default the current one)."""
        if self.completed_at is None or self.expires_on is None:
            return False
        return timezone.localdate(self.completed_at, zone) <= on < self.expires_on


class QuizAttempt(PublicIdModel):
    """One sitting of a quiz: started when the worker opens it, submitted once."""

    assignment = models.ForeignKey(
        TrainingAssignment, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ("assignment", "number")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "number"], name="workforce_attempt_no")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.assignment}"
