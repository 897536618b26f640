"""The queue hands work only to the cleared: next task, distribution and reassignment ask the
clearance check (``core.eligibility``) before assigning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from steward.vault.models import Patient
from steward.work import routing
from steward.work.models import RoutingDecision, Task, TaskStatus
from steward.workforce.models import TrainingAssignment
from tests.access.conftest import patient_a  # noqa: F401
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.work.conftest import make_task, make_type
from tests.workforce.conftest import Requirements


def expire(tenant: Tenant) -> None:
    TrainingAssignment.objects.filter(worker=tenant.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )


@pytest.fixture
def queued(tenant_a: Tenant, patient_a: Patient) -> Task:  # noqa: F811
    make_type(tenant_a)
    return make_task(tenant_a, patient_a, assign=False)


def test_an_assistant_who_is_not_cleared_is_given_no_task(
    tenant_a: Tenant, cleared_a: Requirements, queued: Task
) -> None:
    expire(tenant_a)
    assert routing.next_task(membership=tenant_a.membership(tenant_a.vma)) is None
    decision = RoutingDecision.objects.get()
    assert decision.outcome == "not-cleared"
    assert decision.inputs["blockers"] == ["training-expired:hipaa-privacy"]
    queued.refresh_from_db()
    assert queued.status == TaskStatus.QUEUED


def test_a_cleared_assistant_takes_the_task(
    tenant_a: Tenant, cleared_a: Requirements, queued: Task
) -> None:
    assert routing.next_task(membership=tenant_a.membership(tenant_a.vma)) == queued


def test_distribution_and_reassignment_pass_over_the_uncleared(
    tenant_a: Tenant, cleared_a: Requirements, queued: Task
) -> None:
    expire(tenant_a)
    assert routing.distribute(team=tenant_a.team, actor=tenant_a.supervisor) == 0
    candidates = RoutingDecision.objects.get().inputs["candidates"]
    assert candidates[0]["blockers"] == ["training-expired:hipaa-privacy"]
    assert candidates[0]["eligible"] is False
    with pytest.raises(ValidationError, match="cannot be given work now"):
        routing.reassign(
            task=queued,
            worker_membership=tenant_a.membership(tenant_a.vma),
            actor=tenant_a.supervisor,
        )


def test_the_workspace_says_why_and_disables_take_next(
    client: Client, tenant_a: Tenant, cleared_a: Requirements, queued: Task
) -> None:
    expire(tenant_a)
    sign_in(client, tenant_a.vma)
    page = client.get(reverse("work:workspace")).content.decode()
    assert "You cannot be given tasks right now" in page
    assert "A required course you completed has expired" in page
    assert reverse("workforce:me") in page
    response = client.post(reverse("work:next"), follow=True)
    assert "You cannot take tasks until the items below are done." in response.content.decode()
    assert Task.objects.get(pk=queued.pk).assignee is None


def test_judging_a_team_costs_the_same_few_queries_whatever_its_size(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    from tests.factories import MembershipFactory, UserFactory

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            routing.team_workers(tenant_a.team)
        return len(queries)

    small = count()
    for index in range(8):
        user = UserFactory(email=f"extra{index}.a@example.test")
        MembershipFactory(user=user, organization=tenant_a.bpo, role="vma", team=tenant_a.team)
    assert count() == small


def test_the_reassign_list_marks_who_cannot_take_it(
    client: Client, tenant_a: Tenant, cleared_a: Requirements, queued: Task
) -> None:
    expire(tenant_a)
    sign_in(client, tenant_a.supervisor)
    page = client.get(reverse("work:task", args=[queued.pk])).content.decode()
    assert "not cleared for patient data" in page
    response = client.post(
        reverse("work:reassign", args=[queued.pk]), {"worker": str(tenant_a.vma.pk)}
    )
    assert response.status_code == 400
    assert "cannot be given work now" in response.content.decode()
    assert Task.objects.get(pk=queued.pk).assignee is None
