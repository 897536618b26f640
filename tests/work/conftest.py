from __future__ import annotations

from typing import Any

import pytest

from steward.access.models import PurposeOfUse
from steward.vault.models import Patient
from steward.work import services
from steward.work.models import Source, Task, TaskType
from tests.access.conftest import patient_a, patient_b, subject_for  # noqa: F401
from tests.personas import Tenant

PROTOCOL = [
    {
        "key": "verify",
        "title": "Verify identity",
        "script": "Confirm name and date of birth.",
        "required": True,
    },
    {
        "key": "offer",
        "title": "Offer slots",
        "script": "Offer the next three slots.",
        "required": True,
    },
    {
        "key": "interpreter",
        "title": "Interpreter",
        "script": "Offer an interpreter.",
        "required": False,
    },
]


def make_type(tenant: Tenant, **overrides: Any) -> TaskType:
    values: dict[str, Any] = {
        "tenant": tenant.practice,
        "code": "appointment-request",
        "name": "Appointment request",
        "service": "Appointments",
        "purpose": PurposeOfUse.objects.get(code="appointment-scheduling"),
        "team": tenant.team,
        "protocol": PROTOCOL,
        "patient_requestable": True,
    }
    values.update(overrides)
    return TaskType.objects.create(**values)


def make_task(tenant: Tenant, patient: Patient, *, assign: bool = True, **kwargs: Any) -> Task:
    task_type = (
        kwargs.pop("task_type", None)
        or TaskType.objects.filter(tenant=tenant.practice).first()
        or make_type(tenant)
    )
    task = services.task_create(
        tenant=tenant.practice,
        patient=patient,
        task_type=task_type,
        actor=tenant.client_admin,
        source=Source.STAFF,
        **kwargs,
    )
    if assign:
        task = services.assign(task=task, worker=tenant.vma, actor=tenant.supervisor, mode="test")
    return task


@pytest.fixture
def appointment_type(tenant_a: Tenant) -> TaskType:
    return make_type(tenant_a)
