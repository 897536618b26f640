"""A task's life: SLA due times from the catalogue in business hours, protocol adherence,
waiting on the patient pauses the clocks, escalation, and its history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.audit.models import AuditEvent
from steward.catalog import services as catalog
from steward.tenancy.models import Organization
from steward.vault.models import Patient
from steward.work import services
from steward.work.models import Source, StepRecord, Task, TaskStatus, TaskType
from tests.personas import Tenant
from tests.work.conftest import make_task

NY = ZoneInfo("America/New_York")


def publish_catalogue(tenant: Tenant) -> None:
    draft = catalog.draft_start(tenant=tenant.practice, actor=tenant.client_admin)
    catalog.service_save(
        draft=draft,
        actor=tenant.client_admin,
        values={
            "name": "Appointments",
            "description": "Booking.",
            "does": "Book",
            "does_not": "Give medical advice",
            "hours": "9 to 5",
            "languages": ["English"],
            "escalation": "Triage nurse",
        },
        targets=[
            {
                "channel": "phone",
                "priority": "normal",
                "first_response_minutes": 60,
                "resolution_minutes": 480,
            },
        ],
    )
    catalog.publish(draft=draft, actor=tenant.client_admin, summary="First.")


def test_due_times_come_from_the_catalogue_in_business_hours(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    Organization.objects.filter(pk=tenant_a.practice.pk).update(time_zone="America/New_York")
    tenant_a.practice.refresh_from_db()
    publish_catalogue(tenant_a)
    created = dt.datetime(2026, 11, 27, 16, 30, tzinfo=NY)  # Friday 16:30, hours 09-17
    task = services.task_create(
        tenant=tenant_a.practice,
        patient=patient_a,
        task_type=appointment_type,
        actor=tenant_a.client_admin,
        source=Source.STAFF,
        channel="phone",
        priority="normal",
        now=created,
    )
    assert task.first_response_due == dt.datetime(2026, 11, 30, 9, 30, tzinfo=NY)
    assert task.resolution_due == dt.datetime(2026, 11, 30, 16, 30, tzinfo=NY)
    # No commitment for this channel: the type's fallback applies.
    other = services.task_create(
        tenant=tenant_a.practice,
        patient=patient_a,
        task_type=appointment_type,
        actor=tenant_a.client_admin,
        source=Source.STAFF,
        channel="email",
        now=created,
    )
    assert other.first_response_due == dt.datetime(2026, 11, 30, 12, 30, tzinfo=NY)  # 240 min


def test_waiting_on_the_patient_pauses_the_clocks(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    before = task.resolution_due
    services.wait(task=task, actor=tenant_a.vma, on=TaskStatus.WAITING_PATIENT)
    # Pretend the patient took two business hours (Tuesday 10:00 to 12:00, practice time),
    # and then the rest of the night, which is not business time.
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=NY)
    Task.objects.filter(pk=task.pk).update(paused_since=start)
    task.refresh_from_db()
    paused = services._resume_clocks(task, now=start + dt.timedelta(hours=2))
    assert paused == 2 * 3600
    assert task.resolution_due > before  # moved on by the two business hours
    assert task.paused_since is None
    Task.objects.filter(pk=task.pk).update(paused_since=start.replace(hour=17))
    task.refresh_from_db()
    due = task.resolution_due
    assert services._resume_clocks(task, now=start.replace(hour=17) + dt.timedelta(hours=12)) == 0
    assert task.resolution_due == due  # a night of waiting costs no business time
    assert task.paused_since is None


def test_waiting_on_the_clinic_does_not_pause(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    task = services.wait(task=task, actor=tenant_a.vma, on=TaskStatus.WAITING_CLINIC)
    assert task.paused_since is None
    with pytest.raises(ValidationError):
        services.wait(task=task, actor=tenant_a.vma, on="lunch")


def test_required_steps_gate_resolution_and_skips_need_reasons(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    with pytest.raises(ValidationError, match="verify, offer"):
        services.resolve(task=task, actor=tenant_a.vma)
    services.step_record(task=task, actor=tenant_a.vma, step_key="verify")
    with pytest.raises(ValidationError) as caught:
        services.step_record(task=task, actor=tenant_a.vma, step_key="offer", skipped=True)
    assert "reason" in caught.value.message_dict
    services.step_record(
        task=task,
        actor=tenant_a.vma,
        step_key="offer",
        skipped=True,
        reason="Patient already booked online.",
    )
    with pytest.raises(ValidationError):
        services.step_record(task=task, actor=tenant_a.vma, step_key="offer")  # twice
    with pytest.raises(ValidationError):
        services.step_record(task=task, actor=tenant_a.vma, step_key="nope")
    resolved = services.resolve(task=task, actor=tenant_a.vma)
    assert resolved.status == TaskStatus.RESOLVED
    assert services.adherence(resolved) == {
        "required": 2,
        "done": 1,
        "skipped": ["offer"],
        "missing": [],
        "score": 50,
    }
    assert StepRecord.objects.filter(task=task).count() == 2
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds[:2] == ["created", "assigned"] and kinds[-1] == "resolved"
    assert AuditEvent.objects.filter(event="task.resolved").count() == 1


def test_only_the_assignee_works_the_task(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    with pytest.raises(PermissionDenied):
        services.step_record(task=task, actor=tenant_a.supervisor, step_key="verify")


def test_escalation_closes_the_task_for_the_assistant(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    with pytest.raises(ValidationError):
        services.escalate(task=task, actor=tenant_a.vma, to="nobody", reason="x", note_flags=[])
    task = services.escalate(
        task=task,
        actor=tenant_a.vma,
        to="practitioner",
        reason="symptoms",
        note_flags=["symptom"],
    )
    assert task.status == TaskStatus.ESCALATED
    assert task.closed_at is not None
    event = AuditEvent.objects.get(event="task.escalated")
    assert event.record["detail"]["flags"] == ["symptom"]
    with pytest.raises(ValidationError):
        services.resolve(task=task, actor=tenant_a.vma)


def test_bad_input_is_refused_without_a_task(
    tenant_a: Tenant, tenant_b: Tenant, patient_b: Patient, appointment_type: TaskType
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.task_create(
            tenant=tenant_a.practice,
            patient=patient_b,
            task_type=appointment_type,
            actor=tenant_a.client_admin,
            source=Source.STAFF,
            priority="whenever",
        )
    assert {"task_type", "priority"} <= set(caught.value.message_dict)
    assert not Task.objects.exists()


def test_a_returned_task_goes_back_to_the_queue_with_its_waiting_time_credited(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    services.wait(task=task, actor=tenant_a.vma, on=TaskStatus.WAITING_PATIENT)
    task.refresh_from_db()
    assert task.paused_since is not None
    returned = services.task_return(task=task, actor=tenant_a.supervisor, why="offboarded")
    assert returned.status == TaskStatus.QUEUED
    assert returned.assignee is None and returned.paused_since is None
    event = AuditEvent.objects.get(event="task.returned")
    assert event.record["detail"]["why"] == "offboarded"
    assert event.record["detail"]["worker"] == str(tenant_a.vma.pk)
    with pytest.raises(ValidationError, match="in someone's hands"):
        services.task_return(task=returned, actor=tenant_a.supervisor, why="again")
