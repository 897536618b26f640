"""Tasks, their types and protocols, routing decisions, and patient message threads.

A task is the key to a patient's record for a VMA (see ``rules.py``): it names
the patient, the purpose (through its type) and the assistant it is assigned
to, and it closes. Tasks hold no free text: what the patient and the practice
write to each other is in message threads, whose bodies are sealed in the vault.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from steward.access.models import PurposeOfUse
from steward.core.models import PublicIdModel
from steward.tenancy.models import Membership, Organization, Team
from steward.vault.models import Patient, SealedText


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal message"


class TaskStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in-progress", "In progress"
    WAITING_PATIENT = "waiting-patient", "Waiting on the patient"
    WAITING_CLINIC = "waiting-clinic", "Waiting on the clinic"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (
    TaskStatus.QUEUED,
    TaskStatus.ASSIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.WAITING_PATIENT,
    TaskStatus.WAITING_CLINIC,
)
# An assistant's work in hand: counts against their load.
ACTIVE_STATUSES = (
    TaskStatus.ASSIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.WAITING_PATIENT,
    TaskStatus.WAITING_CLINIC,
)
CLOSED_STATUSES = (TaskStatus.RESOLVED, TaskStatus.ESCALATED, TaskStatus.CANCELLED)


class Source(models.TextChoices):
    STAFF = "staff", "Practice staff"
    PORTAL = "portal", "Patient portal"
    API = "api", "API"
    SCHEDULE = "schedule", "Schedule"


class TaskType(models.Model):
    """A kind of work a practice hands to its vendor, with its standardised protocol.

    ``protocol`` is an ordered list of steps: ``{"key", "title", "script", "required"}``.
    """

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    service = models.CharField(
        max_length=120, help_text="The catalogue service whose commitments apply."
    )
    purpose = models.ForeignKey(PurposeOfUse, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="task_types"
    )
    protocol = models.JSONField(default=list)
    skill = models.SlugField(max_length=40, blank=True, help_text="Empty: any assistant.")
    default_priority = models.CharField(
        max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    default_channel = models.CharField(max_length=8, choices=Channel.choices, default="portal")
    fallback_first_response_minutes = models.PositiveIntegerField(default=240)
    fallback_resolution_minutes = models.PositiveIntegerField(default=1440)
    patient_requestable = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("tenant", "name")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="work_tasktype_code")
        ]

    def __str__(self) -> str:
        return self.name

    def steps(self) -> list[dict[str, object]]:
        return list(self.protocol)


class WorkerProfile(models.Model):
    """What an assistant can take: languages, skills, and how many tasks at once."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="work_profile"
    )
    languages = models.JSONField(default=list)
    skills = models.JSONField(default=list)
    max_open_tasks = models.PositiveSmallIntegerField(default=5)

    def __str__(self) -> str:
        return f"profile of {self.membership_id}"


class Task(PublicIdModel):
    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    task_type = models.ForeignKey(TaskType, on_delete=models.PROTECT, related_name="tasks")
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    priority = models.CharField(max_length=8, choices=Priority.choices)
    priority_rank = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    # Routing needs these in clear; they are chosen by whoever creates the task.
    language = models.CharField(max_length=60, blank=True)
    skill = models.SlugField(max_length=40, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField()
    resolution_due = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField(max_length=20, blank=True)
    escalation_reason = models.CharField(max_length=40, blank=True)
    breach_alerted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            # "Next task": the queued tasks of a team, most urgent first (index-only order).
            models.Index(
                fields=["team", "priority_rank", "resolution_due", "created_at", "id"],
                condition=Q(status="queued"),
                name="work_task_queue",
            ),
            models.Index(fields=["assignee", "status"], name="work_task_assignee"),
            models.Index(fields=["tenant", "status", "created_at"], name="work_task_tenant"),
            models.Index(fields=["patient", "assignee"], name="work_task_patient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="work_task_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in ACTIVE_STATUSES])
                | Q(assignee__isnull=False),
                name="work_task_active_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in CLOSED_STATUSES])
                | Q(closed_at__isnull=False),
                name="work_task_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_type_id} task {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None


class TaskEvent(models.Model):
    """The task's history: every change, by whom, with ids and codes only (never PHI)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class StepRecord(models.Model):
    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="steps")
    step_key = models.SlugField(max_length=60)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "id")
        constraints = [
            models.UniqueConstraint(fields=["task", "step_key"], name="work_step_once"),
            models.CheckConstraint(
                condition=~Q(outcome="skipped") | ~Q(reason=""), name="work_step_skip_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step_key}: {self.outcome}"


class RoutingDecision(models.Model):
    """Why a task went to whom (or to nobody): inputs and outcome, for fairness audits."""

    task = models.ForeignKey(
        Task, null=True, on_delete=models.CASCADE, related_name="routing_decisions"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(max_length=20)  # next-task, distribute, reassign
    outcome = models.CharField(max_length=20)  # assigned, none-eligible, at-capacity
    inputs = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)
    policy_version = models.CharField(max_length=20)

    class Meta:
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.mode}: {self.outcome}"


class Thread(PublicIdModel):
    """Messages between a patient and the practice (assistants write on its behalf)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="thread"
    )
    subject = models.CharField(max_length=120)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-last_message_at",)
        indexes = [models.Index(fields=["tenant", "patient"], name="work_thread_patient")]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_patient = models.BooleanField()
    body = models.OneToOneField(SealedText, on_delete=models.PROTECT, related_name="+")
    flags = models.JSONField(default=list, help_text="Screening rule codes (never the words).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"message {self.pk}"
