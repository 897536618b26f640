"""Changes to tasks and threads. Each function is one transaction that checks its invariants
(``ValidationError`` keyed by field), writes the task's history, and records what matters in
the audit trail; message bodies only ever pass through the gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from steward.access import gate
from steward.accounts.models import User
from steward.audit.services import event_record
from steward.catalog.selectors import response_target
from steward.core.policy import Subject
from steward.tenancy.models import Organization
from steward.tenancy.roles import Role
from steward.vault.models import Patient
from steward.work import screen, sla
from steward.work.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    PRIORITY_RANK,
    Channel,
    Message,
    Priority,
    Source,
    StepRecord,
    Task,
    TaskEvent,
    TaskStatus,
    TaskType,
    Thread,
)

ESCALATION_TARGETS = {"practitioner": Role.PRACTITIONER, "supervisor": Role.SUPERVISOR}
ESCALATION_REASONS = {
    "clinical-question": "Clinical question: needs a clinician",
    "symptoms": "Symptoms described",
    "medication": "Medication question",
    "urgent": "Possible emergency",
    "complaint": "Complaint or conflict",
    "out-of-scope": "Outside the service catalogue",
}
MAX_MESSAGE = 4000


def _history(task: Task, kind: str, actor: User | None, **detail: Any) -> None:
    TaskEvent.objects.create(task=task, kind=kind, actor=actor, detail=detail)


def _audit(event: str, task: Task, actor: User | None, **detail: Any) -> None:
    event_record(
        event=f"task.{event}",
        actor=actor,
        tenant=str(task.tenant_id),
        patient_id=task.patient_id,
        entity_type="task",
        entity_id=str(task.pk),
        purpose=task.task_type.purpose_id,
        detail={"type": task.task_type.code, **detail},
    )


def targets_for(task_type: TaskType, channel: str, priority: str) -> tuple[int, int]:
    """(first response, resolution) minutes: the catalogue's commitment, or the type's fallback."""
    target = response_target(
        task_type.tenant, service=task_type.service, channel=channel, priority=priority
    )
    if target is not None:
        return target.first_response_minutes, target.resolution_minutes
    return task_type.fallback_first_response_minutes, task_type.fallback_resolution_minutes


def _due(tenant: Organization, start: dt.datetime, minutes: int) -> dt.datetime:
    try:
        return sla.add_business_seconds(
            start, minutes * 60, tenant.business_hours, tenant.time_zone
        )
    except sla.NoBusinessHours:
        return start + dt.timedelta(minutes=minutes)  # no hours set: the clock never stops


def task_create(
    *,
    tenant: Organization,
    patient: Patient,
    task_type: TaskType,
    actor: User | None,
    source: str,
    priority: str | None = None,
    channel: str | None = None,
    language: str = "",
    now: dt.datetime | None = None,
) -> Task:
    """Queue a task for the type's team, with its SLA due times in business hours."""
    errors: dict[str, str] = {}
    if task_type.tenant_id != tenant.pk or patient.tenant_id != tenant.pk:
        errors["task_type"] = "That task type or patient belongs to another practice."
    if not task_type.is_active:
        errors["task_type"] = "That task type is no longer offered."
    priority = priority or task_type.default_priority
    channel = channel or task_type.default_channel
    if priority not in Priority.values:
        errors["priority"] = "Choose a priority."
    if channel not in Channel.values:
        errors["channel"] = "Choose a channel."
    if source not in Source.values:
        errors["source"] = "Unknown source."
    if patient.is_disposed:
        errors["patient"] = "This patient's record was disposed of."
    if errors:
        raise ValidationError(errors)
    created = now or timezone.now()
    first, resolution = targets_for(task_type, channel, priority)
    with transaction.atomic():
        task = Task.objects.create(
            tenant=tenant,
            patient=patient,
            task_type=task_type,
            team=task_type.team,
            priority=priority,
            priority_rank=PRIORITY_RANK[Priority(priority)],
            channel=channel,
            language=language.strip()[:60],
            skill=task_type.skill,
            source=source,
            created_by=actor,
            first_response_due=_due(tenant, created, first),
            resolution_due=_due(tenant, created, resolution),
        )
        _history(task, "created", actor, source=source, priority=priority, channel=channel)
        _audit("created", task, actor, source=source)
    return task


def _locked(task: Task) -> Task:
    # Only the task's row: the practice and type are read, and locking them would hold
    # every other task of the practice (and any row pointing at it) for the transaction.
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("task_type", "tenant")
        .get(pk=task.pk)
    )


def _require_assignee(task: Task, actor: User) -> None:
    if task.assignee_id != actor.pk:
        raise PermissionDenied("This task is assigned to someone else.")
    if task.status not in ACTIVE_STATUSES:
        raise ValidationError({"status": "This task is not in your hands any more."})


def assign(*, task: Task, worker: User, actor: User | None, mode: str) -> Task:
    with transaction.atomic():
        task = _locked(task)
        if task.status not in OPEN_STATUSES:
            raise ValidationError({"task": "Only an open task can be assigned."})
        previous = task.assignee_id
        task.assignee = worker
        task.assigned_at = timezone.now()
        if task.status == TaskStatus.QUEUED:
            task.status = TaskStatus.ASSIGNED
        task.save()
        kind = "reassigned" if previous else "assigned"
        _history(
            task,
            kind,
            actor,
            worker=str(worker.pk),
            mode=mode,
            previous=str(previous) if previous else None,
        )
        _audit(kind, task, actor, worker=str(worker.pk), mode=mode)
    return task


def start(*, task: Task, actor: User) -> Task:
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        if task.status == TaskStatus.ASSIGNED:
            task.status = TaskStatus.IN_PROGRESS
            task.save()
            _history(task, "started", actor)
    return task


def _pause(task: Task, status: str, actor: User) -> None:
    task.status = status
    task.paused_since = timezone.now() if status == TaskStatus.WAITING_PATIENT else None
    task.save()
    _history(task, "waiting", actor, on=status)


def wait(*, task: Task, actor: User, on: str) -> Task:
    """Wait on the patient (the SLA clocks pause) or on the clinic (they keep running)."""
    if on not in (TaskStatus.WAITING_PATIENT, TaskStatus.WAITING_CLINIC):
        raise ValidationError({"on": "Wait on the patient or on the clinic."})
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        _resume_clocks(task)
        _pause(task, on, actor)
    return task


def _resume_clocks(task: Task, now: dt.datetime | None = None) -> float:
    """Move the due times on by the business time spent waiting on the patient."""
    if task.paused_since is None:
        return 0.0
    now = now or timezone.now()
    tenant = task.tenant
    try:
        paused = sla.business_seconds_between(
            task.paused_since, now, tenant.business_hours, tenant.time_zone
        )
    except sla.NoBusinessHours:
        paused = (now - task.paused_since).total_seconds()
    if task.first_responded_at is None:
        task.first_response_due = _due_after(tenant, task.first_response_due, paused)
    task.resolution_due = _due_after(tenant, task.resolution_due, paused)
    task.paused_since = None
    return paused


def _due_after(tenant: Organization, due: dt.datetime, seconds: float) -> dt.datetime:
    try:
        return sla.add_business_seconds(due, seconds, tenant.business_hours, tenant.time_zone)
    except sla.NoBusinessHours:
        return due + dt.timedelta(seconds=seconds)


def resume(*, task: Task, actor: User) -> Task:
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        paused = _resume_clocks(task)
        task.status = TaskStatus.IN_PROGRESS
        task.save()
        _history(task, "resumed", actor, paused_business_seconds=round(paused))
    return task


def task_return(*, task: Task, actor: User | None, why: str) -> Task:
    """Put a task in hand back in its team's queue: its assistant left or lost access.

    Time spent waiting on the patient is credited to the clocks first, as resuming would.
    """
    with transaction.atomic():
        task = _locked(task)
        if task.status not in ACTIVE_STATUSES:
            raise ValidationError({"status": "Only a task in someone's hands can be returned."})
        worker = str(task.assignee_id)
        _resume_clocks(task)
        task.status = TaskStatus.QUEUED
        task.assignee = None
        task.assigned_at = None
        task.save()
        _history(task, "returned", actor, worker=worker, why=why)
        _audit("returned", task, actor, worker=worker, why=why)
    return task


def step_record(
    *, task: Task, actor: User, step_key: str, skipped: bool = False, reason: str = ""
) -> StepRecord:
    """Mark a protocol step done, or skipped — a required step only with a reason."""
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        step = next((s for s in task.task_type.steps() if s.get("key") == step_key), None)
        if step is None:
            raise ValidationError({"step": "This task's protocol has no such step."})
        if StepRecord.objects.filter(task=task, step_key=step_key).exists():
            raise ValidationError({"step": "This step is already recorded."})
        if skipped and step.get("required") and not reason.strip():
            raise ValidationError({"reason": "Say why a required step is skipped."})
        record = StepRecord.objects.create(
            task=task,
            step_key=step_key,
            outcome=StepRecord.Outcome.SKIPPED if skipped else StepRecord.Outcome.DONE,
            reason=(reason.strip() or ("Optional step: not needed." if skipped else ""))[:300],
            actor=actor,
        )
        if task.status == TaskStatus.ASSIGNED:
            task.status = TaskStatus.IN_PROGRESS
            task.save()
        _history(task, "step-skipped" if skipped else "step-done", actor, step=step_key)
    return record


def adherence(task: Task) -> dict[str, Any]:
    """How the protocol was followed: required steps done, skipped (with reasons), missing."""
    records = {r.step_key: r for r in task.steps.all()}
    required = [s["key"] for s in task.task_type.steps() if s.get("required")]
    done = [k for k in required if k in records and records[k].outcome == "done"]
    skipped = [k for k in required if k in records and records[k].outcome == "skipped"]
    missing = [k for k in required if k not in records]
    return {
        "required": len(required),
        "done": len(done),
        "skipped": skipped,
        "missing": missing,
        "score": round(100 * len(done) / len(required)) if required else 100,
    }


def resolve(*, task: Task, actor: User) -> Task:
    """Close the task as done; every required step must be done or skipped with a reason."""
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        missing = adherence(task)["missing"]
        if missing:
            raise ValidationError(
                {"steps": f"Record these required steps first: {', '.join(missing)}."}
            )
        _resume_clocks(task)
        now = timezone.now()
        task.status = TaskStatus.RESOLVED
        task.closed_at = now
        task.first_responded_at = task.first_responded_at or now
        task.save()
        score = adherence(task)["score"]
        _history(task, "resolved", actor, adherence=score)
        _audit("resolved", task, actor, adherence=score)
    return task


def escalate(*, task: Task, actor: User, to: str, reason: str, note_flags: list[str]) -> Task:
    """Hand the task to a practitioner or the supervisor, with a reason; the assistant's
    access ends with the tail."""
    errors = {}
    if to not in ESCALATION_TARGETS:
        errors["to"] = "Escalate to a practitioner or a supervisor."
    if reason not in ESCALATION_REASONS:
        errors["reason"] = "Choose a reason."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = _locked(task)
        _require_assignee(task, actor)
        _resume_clocks(task)
        task.status = TaskStatus.ESCALATED
        task.closed_at = timezone.now()
        task.escalated_to = to
        task.escalation_reason = reason
        task.save()
        _history(task, "escalated", actor, to=to, reason=reason, flags=note_flags)
        _audit("escalated", task, actor, to=to, reason=reason, flags=note_flags)
    return task


def cancel(*, task: Task, actor: User, reason: str) -> Task:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the task is cancelled."})
    with transaction.atomic():
        task = _locked(task)
        if task.status not in OPEN_STATUSES:
            raise ValidationError({"task": "Only an open task can be cancelled."})
        task.status = TaskStatus.CANCELLED
        task.closed_at = timezone.now()
        task.paused_since = None
        task.save()
        _history(task, "cancelled", actor)
        _audit("cancelled", task, actor)
    return task


def thread_for(task: Task) -> Thread:
    thread = Thread.objects.filter(task=task).first()
    if thread is None:
        thread = Thread.objects.create(
            tenant_id=task.tenant_id,
            patient_id=task.patient_id,
            task=task,
            subject=task.task_type.name,
        )
    return thread


def message_post(*, subject: Subject, thread: Thread, body: str, purpose_code: str) -> Message:
    """Add a message to a thread: the body is sealed in the vault through the gate; a
    patient's message is screened for clinical content (rule codes kept, words not)."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write a message."})
    if len(text) > MAX_MESSAGE:
        raise ValidationError({"body": f"At most {MAX_MESSAGE} characters."})
    from_patient = subject.role == Role.PATIENT
    flags = [flag.code for flag in screen.screen(text)] if from_patient else []
    with transaction.atomic():
        sealed = gate.write_text(
            subject=subject,
            patient_id=thread.patient_id,
            purpose_code=purpose_code,
            kind="message",
            body=text,
        )
        message = Message.objects.create(
            thread=thread,
            author=subject.user,
            from_patient=from_patient,
            body=sealed,
            flags=flags,
        )
        thread.last_message_at = message.created_at
        thread.save(update_fields=["last_message_at"])
        task = (
            Task.objects.select_for_update().select_related("tenant").get(pk=thread.task_id)
            if thread.task_id
            else None
        )
        if task is not None:
            if not from_patient and task.first_responded_at is None:
                task.first_responded_at = message.created_at
                task.save(update_fields=["first_responded_at", "updated_at"])
            if from_patient and task.status == TaskStatus.WAITING_PATIENT:
                _resume_clocks(task)
                task.status = TaskStatus.IN_PROGRESS
                task.save()
            _history(task, "message", subject.user, from_patient=from_patient, flags=flags)
    return message


def messages_read(*, subject: Subject, thread: Thread, purpose_code: str) -> list[dict[str, Any]]:
    """The thread's messages, opened through the gate (one decision, recorded)."""
    messages = list(thread.messages.select_related("author", "body"))
    if not messages:
        return []
    bodies = gate.read_texts(
        subject=subject,
        patient_id=thread.patient_id,
        purpose_code=purpose_code,
        texts=[m.body for m in messages],
    )
    return [
        {
            "message": m,
            "text": bodies[m.body_id],
            "flags": [screen.describe(code) for code in m.flags],
        }
        for m in messages
    ]


def task_type_save(
    *, tenant: Organization, actor: User, values: dict[str, Any], task_type: TaskType | None
) -> TaskType:
    """Create or change a practice's task type (configuration: audited)."""
    from steward.access.models import PurposeOfUse
    from steward.tenancy.models import AgreementStatus, Team

    purpose = PurposeOfUse.objects.filter(code=values["purpose"], is_active=True).first()
    errors: dict[str, str] = {}
    if purpose is None or purpose.emergency_only:
        errors["purpose"] = "Choose a purpose of use."
    elif not {Role.VMA, Role.SUPERVISOR} & set(purpose.roles):
        errors["purpose"] = "The vendor's assistants cannot use this purpose."
    team = None
    if values.get("team"):
        team = Team.objects.filter(
            pk=values["team"],
            organization__agreements_as_associate__covered_entity=tenant,
            organization__agreements_as_associate__status=AgreementStatus.ACTIVE,
        ).first()
        if team is None:
            errors["team"] = "Choose a team of a vendor with an active agreement."
    duplicate = TaskType.objects.filter(tenant=tenant, code=values["code"])
    if task_type is not None:
        duplicate = duplicate.exclude(pk=task_type.pk)
    if duplicate.exists():
        errors["code"] = "Another task type has this id."
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": values["name"],
        "code": values["code"],
        "service": values["service"],
        "purpose": purpose,
        "team": team,
        "skill": values.get("skill", ""),
        "default_priority": values["default_priority"],
        "default_channel": values["default_channel"],
        "fallback_first_response_minutes": values["fallback_first_response_minutes"],
        "fallback_resolution_minutes": values["fallback_resolution_minutes"],
        "patient_requestable": values.get("patient_requestable", False),
        "is_active": values.get("is_active", False),
        "protocol": values["protocol"],
    }
    with transaction.atomic():
        if task_type is None:
            task_type = TaskType.objects.create(tenant=tenant, **fields)
        else:
            for name, value in fields.items():
                setattr(task_type, name, value)
            task_type.save()
        event_record(
            event="work.task-type-saved",
            actor=actor,
            tenant=tenant,
            entity_type="task-type",
            entity_id=task_type.code,
            purpose=task_type.purpose_id,
            detail={"steps": len(task_type.protocol), "active": task_type.is_active},
        )
    return task_type


def profile_save(
    *, membership: Any, actor: User, languages: list[str], skills: list[str], max_open_tasks: int
) -> Any:
    from steward.work.models import WorkerProfile

    with transaction.atomic():
        profile, _created = WorkerProfile.objects.update_or_create(
            membership=membership,
            defaults={
                "languages": languages,
                "skills": skills,
                "max_open_tasks": max_open_tasks,
            },
        )
        event_record(
            event="work.profile-saved",
            actor=actor,
            entity_type="worker-profile",
            entity_id=str(membership.pk),
            detail={"languages": languages, "skills": skills, "max_open_tasks": max_open_tasks},
        )
    return profile
