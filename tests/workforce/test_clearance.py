"""The clearance rule through the gate: each condition denies when it lapses, with its
reason, and allows again when restored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from steward.access import gate
from steward.access.gate import AccessDenied
from steward.audit.models import AuditEvent
from steward.tenancy.models import Membership
from steward.vault.models import Patient
from steward.workforce import clearance
from steward.workforce.models import (
    Adjudication,
    PolicyAcceptance,
    PolicyVersion,
    ScreeningCheck,
    ScreeningStatus,
    TrainingAssignment,
)
from tests.access.conftest import patient_a, subject_for, vma_task  # noqa: F401
from tests.personas import Tenant
from tests.workforce.conftest import Requirements, add_course_version

SCHEDULING = "appointment-scheduling"


def read(tenant: Tenant, patient: Patient) -> Any:
    return gate.read(
        subject=subject_for(tenant.vma), patient_id=patient.pk, purpose_code=SCHEDULING
    )


def denial(tenant: Tenant, patient: Patient) -> tuple[str, ...]:
    with pytest.raises(AccessDenied) as raised:
        read(tenant, patient)
    return raised.value.decision.reasons


@pytest.fixture
def ready(tenant_a: Tenant, patient_a: Patient, vma_task: Any, cleared_a: Requirements):  # noqa: F811
    read(tenant_a, patient_a)  # cleared and assigned: allowed
    return cleared_a


def test_a_vendor_without_requirements_leaves_the_decision_to_other_rules(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
) -> None:
    assert read(tenant_a, patient_a).values["given_name"] == "Imani"


def test_a_worker_with_nothing_done_is_denied_with_every_reason(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
    requirements_a: Requirements,
) -> None:
    assert set(denial(tenant_a, patient_a)) == {
        "screening-missing:identity",
        "screening-missing:criminal-background",
        "training-missing:hipaa-privacy",
        "policy-not-accepted:code-of-conduct",
    }
    event = AuditEvent.objects.filter(event="patient.read", outcome="denied").get()
    assert "training-missing:hipaa-privacy" in event.record["reasons"]


def test_expired_training_denies_and_passing_again_restores(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
) -> None:
    completion = TrainingAssignment.objects.get(worker=tenant_a.vma)
    completion.expires_on = timezone.localdate() - dt.timedelta(days=1)
    completion.save()
    assert denial(tenant_a, patient_a) == ("training-expired:hipaa-privacy",)

    TrainingAssignment.objects.create(
        tenant=tenant_a.bpo,
        worker=tenant_a.vma,
        course=ready.course,
        version=ready.version,
        assigned_on=timezone.localdate(),
        due_on=timezone.localdate(),
        completed_at=timezone.now(),
        score=100,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    read(tenant_a, patient_a)


def test_a_grace_period_forgives_a_recent_expiry(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
    settings: Any,
) -> None:
    settings.STEWARD_WORKFORCE_GRACE_DAYS = 7
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=3)
    )
    read(tenant_a, patient_a)
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=8)
    )
    assert denial(tenant_a, patient_a) == ("training-expired:hipaa-privacy",)


def test_an_overdue_new_course_version_denies_until_completed(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
) -> None:
    version_2 = add_course_version(ready.course, version=2)
    today = timezone.localdate()
    open_assignment = TrainingAssignment.objects.create(
        tenant=tenant_a.bpo,
        worker=tenant_a.vma,
        course=ready.course,
        version=version_2,
        assigned_on=today - dt.timedelta(days=40),
        due_on=today + dt.timedelta(days=1),
        reason="new-version",
    )
    read(tenant_a, patient_a)  # still due, not overdue: the old pass holds
    open_assignment.due_on = today - dt.timedelta(days=1)
    open_assignment.save()
    assert denial(tenant_a, patient_a) == ("training-overdue:hipaa-privacy",)
    open_assignment.completed_at = timezone.now()
    open_assignment.expires_on = today + dt.timedelta(days=365)
    open_assignment.save()
    read(tenant_a, patient_a)


def test_a_new_policy_version_denies_until_accepted(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
) -> None:
    newer = PolicyVersion.objects.create(policy=ready.policy, version=2, body="Be kinder.")
    assert denial(tenant_a, patient_a) == ("policy-not-accepted:code-of-conduct",)
    PolicyAcceptance.objects.create(
        version=newer, worker=tenant_a.vma, accepted_at=timezone.now(), typed_name="Vma A"
    )
    read(tenant_a, patient_a)


@pytest.mark.parametrize(
    ("status", "adjudication", "reason"),
    [
        (ScreeningStatus.IN_PROGRESS, Adjudication.PENDING, "screening-pending:identity"),
        (ScreeningStatus.CONSIDER, Adjudication.PENDING, "screening-under-review:identity"),
        (ScreeningStatus.ADVERSE, Adjudication.NOT_CLEARED, "screening-adverse:identity"),
    ],
)
def test_screening_that_is_not_clear_denies(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
    status: str,
    adjudication: str,
    reason: str,
) -> None:
    check = ScreeningCheck.objects.get(worker=tenant_a.vma, kind="identity")
    check.status = status
    check.adjudication = adjudication
    check.completed_on = None if status == ScreeningStatus.IN_PROGRESS else check.completed_on
    check.save()
    assert denial(tenant_a, patient_a) == (reason,)
    check.status = ScreeningStatus.CONSIDER
    check.completed_on = timezone.localdate() - dt.timedelta(days=1)
    check.adjudication = Adjudication.CLEARED
    check.save()
    read(tenant_a, patient_a)


def test_screening_past_its_rescreen_date_denies_until_rescreened(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
) -> None:
    today = timezone.localdate()
    ScreeningCheck.objects.filter(worker=tenant_a.vma, kind="criminal-background").update(
        expires_on=today
    )
    assert denial(tenant_a, patient_a) == ("screening-expired:criminal-background",)
    ScreeningCheck.objects.create(
        tenant=tenant_a.bpo,
        worker=tenant_a.vma,
        kind="criminal-background",
        vendor="Sterling",
        status=ScreeningStatus.CLEAR,
        invited_on=today - dt.timedelta(days=3),
        completed_on=today,
        expires_on=today + dt.timedelta(days=730),
    )
    read(tenant_a, patient_a)


def test_an_inactive_membership_is_not_cleared(tenant_a: Tenant, ready: Requirements) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    assert clearance.clearance_for(membership).cleared
    Membership.objects.filter(pk=membership.pk).update(
        valid_until=timezone.now() - dt.timedelta(minutes=1),
        valid_from=timezone.now() - dt.timedelta(days=30),
    )
    membership.refresh_from_db()
    assert clearance.clearance_for(membership).reasons == ("membership-inactive",)


def test_break_glass_does_not_lift_a_clearance_denial(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
    requirements_a: Requirements,
) -> None:
    subject = subject_for(tenant_a.supervisor, glass=frozenset({str(patient_a.pk)}))
    with pytest.raises(AccessDenied) as raised:
        gate.read(subject=subject, patient_id=patient_a.pk, purpose_code="emergency-care")
    assert "training-missing:hipaa-privacy" in raised.value.decision.reasons


def test_clearance_on_a_past_day_uses_the_facts_of_that_day(
    tenant_a: Tenant, ready: Requirements
) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    past = clearance.clearance_for(membership, on=long_ago)
    assert "training-missing:hipaa-privacy" in past.reasons
    assert clearance.clearance_for(membership).cleared


def test_the_gate_asks_a_fixed_number_of_queries(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    ready: Requirements,
    django_assert_max_num_queries: Any,
) -> None:
    subject = subject_for(tenant_a.vma)
    with django_assert_max_num_queries(40):
        gate.read(subject=subject, patient_id=patient_a.pk, purpose_code=SCHEDULING)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_a_pass_and_a_signature_count_on_the_vendors_own_day(
    tenant_a: Tenant, ready: Requirements, zone: str
) -> None:
    """At 20:00 in Los Angeles it is already tomorrow in UTC (at 07:00 in Auckland, still
    yesterday): what the worker did this evening counts this evening."""
    vendor = tenant_a.bpo
    vendor.time_zone = zone
    vendor.save(update_fields=["time_zone"])
    membership = tenant_a.membership(tenant_a.vma)
    today = vendor.local_today()
    hour = 20 if zone == "America/Los_Angeles" else 7
    moment = dt.datetime.combine(today, dt.time(hour), tzinfo=vendor.zone)
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        assigned_on=today, due_on=today, completed_at=moment
    )
    new = PolicyVersion.objects.create(policy=ready.policy, version=2, body="Be kinder.")
    PolicyVersion.objects.filter(pk=new.pk).update(created_at=moment - dt.timedelta(minutes=5))
    PolicyAcceptance.objects.create(
        version=new, worker=tenant_a.vma, accepted_at=moment, typed_name="x"
    )
    assert clearance.clearance_for(membership, on=today).cleared
    yesterday = clearance.clearance_for(membership, on=today - dt.timedelta(days=1))
    assert "training-missing:hipaa-privacy" in yesterday.reasons
