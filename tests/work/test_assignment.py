"""Assignment is the key to the record: a VMA reads a patient only through an open task
assigned to them, only for its purpose and fields, and loses access when it closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.access import gate
from steward.access.purposes import DEFAULT_PURPOSES
from steward.audit.models import AuditEvent
from steward.vault.models import Patient
from steward.work import services
from steward.work.models import Task, TaskType
from tests.personas import Tenant
from tests.work.conftest import make_task, subject_for

SCHEDULING_FIELDS = set(
    next(p for p in DEFAULT_PURPOSES if p["code"] == "appointment-scheduling")["fields"]
)


def read(tenant: Tenant, patient: Patient, purpose: str = "appointment-scheduling") -> gate.Reading:
    return gate.read(subject=subject_for(tenant.vma), patient_id=patient.pk, purpose_code=purpose)


def test_denied_without_an_assignment(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    with pytest.raises(gate.AccessDenied) as caught:
        read(tenant_a, patient_a)
    assert caught.value.decision.reasons == ("no-active-assignment",)
    event = AuditEvent.objects.filter(event="patient.read").latest("sequence")
    assert event.outcome == "denied"
    assert event.record["reasons"] == ["no-active-assignment"]
    # A queued task that is not theirs does not open it either.
    make_task(tenant_a, patient_a, assign=False)
    with pytest.raises(gate.AccessDenied):
        read(tenant_a, patient_a)


def test_assigned_task_opens_only_its_purpose_and_fields(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    make_task(tenant_a, patient_a)
    reading = read(tenant_a, patient_a)
    assert set(reading.values) <= SCHEDULING_FIELDS
    assert "insurance_member_id" not in reading.values and "notes" not in reading.values
    with pytest.raises(gate.AccessDenied) as caught:
        read(tenant_a, patient_a, purpose="billing-insurance")
    assert caught.value.decision.reasons == ("no-active-assignment",)


def test_access_ends_when_the_task_closes_after_the_tail(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType, settings: object
) -> None:
    task = make_task(tenant_a, patient_a)
    for step in ("verify", "offer"):
        services.step_record(task=task, actor=tenant_a.vma, step_key=step)
    services.resolve(task=task, actor=tenant_a.vma)
    read(tenant_a, patient_a)  # within the tail
    Task.objects.filter(pk=task.pk).update(closed_at=timezone.now() - dt.timedelta(minutes=11))
    with pytest.raises(gate.AccessDenied) as caught:
        read(tenant_a, patient_a)
    assert caught.value.decision.reasons == ("no-active-assignment",)
    settings.STEWARD_WORK_ACCESS_TAIL_MINUTES = 0  # type: ignore[attr-defined]
    with pytest.raises(gate.AccessDenied):
        read(tenant_a, patient_a)


def test_someone_elses_task_does_not_open_it(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    from tests.factories import MembershipFactory, UserFactory
    from tests.personas import with_mfa

    other = with_mfa(UserFactory(email="vma2.a@example.test"))
    MembershipFactory(user=other, organization=tenant_a.bpo, role="vma", team=tenant_a.team)
    task = make_task(tenant_a, patient_a, assign=False)
    services.assign(task=task, worker=other, actor=tenant_a.supervisor, mode="test")
    with pytest.raises(gate.AccessDenied):
        read(tenant_a, patient_a)


def test_search_finds_only_the_patients_of_ones_tasks(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    from steward.vault.services import patient_create
    from tests.vault.conftest import values

    other = patient_create(
        tenant=tenant_a.practice, actor=None, values=values(given_name="Imani", family_name="Ward")
    )
    make_task(tenant_a, patient_a)
    found = gate.search(
        subject=subject_for(tenant_a.vma),
        purpose_code="appointment-scheduling",
        family_name="Ward",
        date_of_birth="1984-03-09",
    )
    assert [r.patient.pk for r in found] == [patient_a.pk]
    assert other.pk not in {r.patient.pk for r in found}


def test_supervisors_and_practice_staff_are_not_bound_by_assignments(
    tenant_a: Tenant, patient_a: Patient
) -> None:
    gate.read(
        subject=subject_for(tenant_a.supervisor),
        patient_id=patient_a.pk,
        purpose_code="appointment-scheduling",
    )
    gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="treatment",
    )
