from __future__ import annotations

import time
from typing import Any

import pytest

from steward.core.policy import Subject
from steward.tenancy.models import Membership
from steward.vault.models import Patient
from steward.vault.services import patient_create
from tests.personas import Tenant
from tests.vault.conftest import values


def subject_for(
    user: Any, *, mfa: bool = True, fresh: bool = True, glass: frozenset[str] = frozenset()
) -> Subject:
    membership = (
        Membership.objects.current().filter(user=user).select_related("organization").first()
    )
    return Subject(
        user=user,
        membership=membership,
        mfa_passed=mfa,
        seconds_since_authentication=5.0 if fresh else 3600.0,
        break_glass_patient_ids=glass,
    )


@pytest.fixture
def patient_a(tenant_a: Tenant) -> Patient:
    return patient_create(
        tenant=tenant_a.practice,
        actor=None,
        values=values(
            given_name="Imani",
            family_name="Ward",
            insurance_member_id="XYZ123",
            notes="Likes mornings",
        ),
    )


@pytest.fixture
def patient_b(tenant_b: Tenant) -> Patient:
    return patient_create(
        tenant=tenant_b.practice, actor=None, values=values(given_name="Bodhi", family_name="Lee")
    )


@pytest.fixture
def fresh_session() -> float:
    return time.time()


def assign_task(
    tenant: Tenant, patient: Patient, worker: Any, purpose: str = "appointment-scheduling"
) -> Any:
    """Give ``worker`` (a VMA) an open task for ``patient``: the key to the record (work rule)."""
    from steward.access.models import PurposeOfUse
    from steward.work import services as work
    from steward.work.models import Source, TaskType

    task_type, _created = TaskType.objects.get_or_create(
        tenant=patient.tenant,
        code=f"test-{purpose}",
        defaults={
            "name": f"Test task ({purpose})",
            "service": "Test",
            "purpose": PurposeOfUse.objects.get(code=purpose),
            "team": tenant.team,
        },
    )
    task = work.task_create(
        tenant=patient.tenant,
        patient=patient,
        task_type=task_type,
        actor=None,
        source=Source.STAFF,
    )
    return work.assign(task=task, worker=worker, actor=None, mode="test")


@pytest.fixture
def vma_task(tenant_a: Tenant, patient_a: Patient) -> Any:
    """tenant_a's VMA has an open scheduling task for patient_a."""
    return assign_task(tenant_a, patient_a, tenant_a.vma)
