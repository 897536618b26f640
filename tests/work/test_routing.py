"""Routing: next task by priority, SLA urgency, language and skill; load limits; round robin
among equals when a supervisor distributes; every decision recorded."""

from __future__ import annotations

from steward.tenancy.models import Membership
from steward.vault.models import Patient
from steward.work import routing, services
from steward.work.models import RoutingDecision, Task, TaskStatus, TaskType, WorkerProfile
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant, with_mfa
from tests.work.conftest import make_task


def profile(tenant: Tenant, user: object, **values: object) -> Membership:
    membership = Membership.objects.get(user=user, organization=tenant.bpo, is_active=True)
    WorkerProfile.objects.update_or_create(membership=membership, defaults=values)
    return membership


def test_next_task_takes_the_most_urgent_task_the_assistant_can_take(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    normal = make_task(tenant_a, patient_a, assign=False, priority="normal")
    spanish = make_task(tenant_a, patient_a, assign=False, priority="urgent", language="Spanish")
    urgent = make_task(tenant_a, patient_a, assign=False, priority="urgent")
    membership = profile(tenant_a, tenant_a.vma, languages=["English"], max_open_tasks=2)
    first = routing.next_task(membership=membership)
    assert first == urgent  # the Spanish one is more urgent too, but not for this assistant
    second = routing.next_task(membership=membership)
    assert second == normal
    assert routing.next_task(membership=membership) is None  # at capacity
    outcomes = list(RoutingDecision.objects.order_by("at", "id").values_list("outcome", flat=True))
    assert outcomes == ["assigned", "assigned", "at-capacity"]
    decision = RoutingDecision.objects.filter(task=urgent).get()
    assert decision.inputs["languages"] == ["English"]
    assert decision.inputs["priority"] == "urgent"
    spanish.refresh_from_db()
    assert spanish.status == TaskStatus.QUEUED


def test_nothing_eligible_is_recorded(tenant_a: Tenant, appointment_type: TaskType) -> None:
    membership = profile(tenant_a, tenant_a.vma, languages=["English"])
    assert routing.next_task(membership=membership) is None
    assert RoutingDecision.objects.get().outcome == "none-eligible"


def test_distribute_balances_load_round_robin(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    second = with_mfa(UserFactory(email="vma2.a@example.test"))
    MembershipFactory(user=second, organization=tenant_a.bpo, role="vma", team=tenant_a.team)
    for _ in range(4):
        make_task(tenant_a, patient_a, assign=False)
    assigned = routing.distribute(team=tenant_a.team, actor=tenant_a.supervisor)
    assert assigned == 4
    per_worker = {
        user: Task.objects.filter(assignee=user).count() for user in (tenant_a.vma.pk, second.pk)
    }
    assert per_worker == {tenant_a.vma.pk: 2, second.pk: 2}
    assert RoutingDecision.objects.filter(mode="distribute", outcome="assigned").count() == 4


def test_reassign_is_recorded(
    tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    second = with_mfa(UserFactory(email="vma2.a@example.test"))
    membership = MembershipFactory(
        user=second, organization=tenant_a.bpo, role="vma", team=tenant_a.team
    )
    task = make_task(tenant_a, patient_a)
    routing.reassign(task=task, worker_membership=membership, actor=tenant_a.supervisor)
    task.refresh_from_db()
    assert task.assignee == second
    assert task.events.filter(kind="reassigned").exists()
    assert RoutingDecision.objects.get(mode="reassign").worker == second
    services.start(task=task, actor=second)
