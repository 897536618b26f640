"""Onboarding and offboarding: live steps, ticked steps, and offboarding that ends access at
once, in one transaction, all audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from steward.access.models import BreakGlassGrant, BreakGlassReason
from steward.audit.models import AuditEvent
from steward.tenancy.models import Membership
from steward.tenancy.roles import Role
from steward.vault.models import Patient
from steward.work.models import Task, TaskStatus
from steward.workforce.models import Checklist, ChecklistItem, ChecklistKind, TrainingAssignment
from steward.workforce.services import checklists as services
from tests.access.conftest import patient_a, vma_task  # noqa: F401
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant
from tests.workforce.conftest import Requirements

ONBOARDING_CODES = [
    "mfa-enrolled",
    "team-assigned",
    "screening-clear",
    "training-current",
    "policies-accepted",
    "equipment-issued",
    "security-briefing",
    "supervisor-introduced",
]
MANUAL = ["equipment-issued", "security-briefing", "supervisor-introduced"]


def items(checklist: Checklist) -> dict[str, ChecklistItem]:
    return {i.code: i for i in checklist.items.order_by("position")}


def done(checklist: Checklist) -> set[str]:
    return {code for code, item in items(checklist).items() if item.done_at is not None}


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("occurred_us"))


def onboard(tenant: Tenant, user: Any = None) -> Checklist:
    return services.onboarding_start(
        membership=tenant.membership(user or tenant.vma), actor=tenant.compliance_officer
    )


def grant(tenant: Tenant, patient: Patient, *, minutes: int = 30) -> BreakGlassGrant:
    return BreakGlassGrant.objects.create(
        user=tenant.vma,
        tenant=patient.tenant,
        patient_id=patient.pk,
        reason_code=BreakGlassReason.values[0],
        justification="Patient in distress on the phone, clinic closed.",
        expires_at=timezone.now() + dt.timedelta(minutes=minutes),
    )


def signed_in_browser(user: Any) -> Client:
    browser = sign_in(Client(), user)
    assert browser.get(reverse("web:dashboard")).status_code == 200
    return browser


# --- Onboarding -----------------------------------------------------------------------------


def test_onboarding_checks_the_live_steps_from_data(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    checklist = onboard(tenant_a)
    assert list(items(checklist)) == ONBOARDING_CODES
    assert items(checklist)["equipment-issued"].label == (
        "Workstation issued with disk encryption and screen lock"
    )
    assert done(checklist) == set(ONBOARDING_CODES) - set(MANUAL)
    assert checklist.completed_at is None
    started = events("workforce.onboarding-started")
    assert [e.record["detail"]["worker"] for e in started] == [str(tenant_a.vma.pk)]


def test_a_new_worker_sees_what_is_missing(tenant_a: Tenant, requirements_a: Requirements) -> None:
    newcomer = UserFactory(full_name="New Starter")
    MembershipFactory(user=newcomer, organization=tenant_a.bpo, role=Role.VMA)
    checklist = onboard(tenant_a, newcomer)
    assert done(checklist) == set()
    notes = {code: item.note for code, item in items(checklist).items()}
    assert "authenticator" in notes["mfa-enrolled"]
    assert notes["team-assigned"] == "No team yet."
    assert "Identity verification (missing)" in notes["screening-clear"]
    assert "HIPAA privacy and security (missing)" in notes["training-current"]


def test_a_role_without_requirements_has_nothing_to_wait_for(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    checklist = onboard(tenant_a, tenant_a.trainer)  # the requirements name VMAs and supervisors
    assert {"screening-clear", "training-current", "policies-accepted"} <= done(checklist)
    assert items(checklist)["screening-clear"].note == "Nothing required for this role."


def test_ticking_every_manual_step_completes_the_checklist(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    checklist = onboard(tenant_a)
    for code in MANUAL:
        services.checklist_item_tick(
            item=items(checklist)[code], actor=tenant_a.compliance_officer, note="Done today."
        )
    checklist.refresh_from_db()
    assert checklist.completed_at is not None
    ticked = items(checklist)["equipment-issued"]
    assert (ticked.done_by, ticked.note) == (tenant_a.compliance_officer, "Done today.")
    assert [e.record["detail"]["item"] for e in events("workforce.checklist-item-ticked")] == MANUAL
    assert "completed" in events("workforce.checklist-refreshed")[-1].record["detail"]["changed"]


def test_live_steps_cannot_be_ticked_by_hand_nor_a_step_twice(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    checklist = onboard(tenant_a)
    with pytest.raises(ValidationError, match="cannot be ticked by hand"):
        services.checklist_item_tick(
            item=items(checklist)["screening-clear"], actor=tenant_a.compliance_officer
        )
    manual = items(checklist)["security-briefing"]
    services.checklist_item_tick(item=manual, actor=tenant_a.compliance_officer)
    with pytest.raises(ValidationError, match="already ticked"):
        services.checklist_item_tick(item=manual, actor=tenant_a.compliance_officer)
    assert len(events("workforce.checklist-item-ticked")) == 1


def test_the_workers_supervisor_may_tick_others_may_not(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    checklist = onboard(tenant_a)
    for actor in (tenant_a.vma, tenant_a.trainer, tenant_b.supervisor, tenant_b.compliance_officer):
        with pytest.raises(PermissionDenied):
            services.checklist_item_tick(
                item=items(checklist)["supervisor-introduced"], actor=actor
            )
    services.checklist_item_tick(
        item=items(checklist)["supervisor-introduced"], actor=tenant_a.supervisor
    )
    assert "supervisor-introduced" in done(checklist)


def test_nobody_ticks_the_steps_of_their_own_checklist(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    # The supervisor belongs to the team they supervise, so they see their own checklist.
    checklist = onboard(tenant_a, tenant_a.supervisor)
    with pytest.raises(PermissionDenied):
        services.checklist_item_tick(
            item=items(checklist)["security-briefing"], actor=tenant_a.supervisor
        )
    assert "security-briefing" not in done(checklist)
    services.checklist_item_tick(
        item=items(checklist)["security-briefing"], actor=tenant_a.compliance_officer
    )
    assert "security-briefing" in done(checklist)


def test_a_refresh_follows_the_data_both_ways(tenant_a: Tenant, cleared_a: Requirements) -> None:
    checklist = onboard(tenant_a)
    for code in MANUAL:
        services.checklist_item_tick(item=items(checklist)[code], actor=tenant_a.bpo_admin)
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    lapsed = services.checklist_refresh(checklist=checklist)
    assert "training-current" not in done(lapsed)
    assert lapsed.completed_at is None
    assert "expired" in items(lapsed)["training-current"].note
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        expires_on=timezone.localdate() + dt.timedelta(days=300)
    )
    restored = services.checklist_refresh(checklist=checklist)
    assert restored.completed_at is not None
    changes = [e.record["detail"]["changed"] for e in events("workforce.checklist-refreshed")]
    assert "training-current,reopened" in changes
    assert "training-current,completed" in changes


def test_onboarding_twice_or_by_others_is_refused(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    onboard(tenant_a)
    with pytest.raises(ValidationError, match="already has an onboarding checklist"):
        onboard(tenant_a)
    for actor in (tenant_a.supervisor, tenant_b.compliance_officer):
        with pytest.raises(PermissionDenied):
            services.onboarding_start(membership=tenant_a.membership(tenant_a.trainer), actor=actor)
    with pytest.raises(ValidationError, match="vendor's people"):
        services.onboarding_start(
            membership=tenant_a.membership(tenant_a.client_admin), actor=tenant_a.compliance_officer
        )
    assert Checklist.objects.count() == 1


# --- Offboarding ----------------------------------------------------------------------------


def test_offboarding_ends_access_at_once_and_records_it(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
) -> None:
    browser = signed_in_browser(tenant_a.vma)
    live = grant(tenant_a, patient_a)
    old = grant(tenant_a, patient_a, minutes=-60)
    old_expiry = BreakGlassGrant.objects.get(pk=old.pk).expires_at
    membership = tenant_a.membership(tenant_a.vma)
    assert UserSession.objects.filter(user=tenant_a.vma).count() == 1

    with TestCase.captureOnCommitCallbacks(execute=True):
        checklist = services.worker_offboard(
            membership=membership, actor=tenant_a.compliance_officer, reason="Resigned."
        )

    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.end_reason == "Resigned."
    assert UserSession.objects.filter(user=tenant_a.vma).count() == 0
    assert browser.get(reverse("web:dashboard")).status_code == 302  # signed out
    assert BreakGlassGrant.objects.get(pk=live.pk).expires_at <= timezone.now()
    assert BreakGlassGrant.objects.get(pk=old.pk).expires_at == old_expiry
    task = Task.objects.get(pk=vma_task.pk)
    assert (task.status, task.assignee_id, task.team_id) == (
        TaskStatus.QUEUED,
        None,
        tenant_a.team.pk,
    )
    assert task.events.filter(kind="returned").exists()

    steps = items(checklist)
    assert checklist.kind == ChecklistKind.OFFBOARDING
    assert {c for c, i in steps.items() if i.automatic and i.done_at} == {
        "membership-ended",
        "sessions-ended",
        "break-glass-ended",
        "tasks-returned",
    }
    assert steps["sessions-ended"].note == "1 session signed out."
    assert steps["break-glass-ended"].note == "1 active emergency grant expired."
    assert steps["tasks-returned"].note == "1 task returned to the queue."
    assert (
        steps["confidentiality-reminder"].label == "Reminded of continuing confidentiality duties"
    )
    assert steps["confidentiality-reminder"].done_at is None

    offboarded = events("workforce.offboarded")
    assert len(offboarded) == 1
    detail = offboarded[0].record["detail"]
    assert (detail["sessions"], detail["break_glass_grants"], detail["tasks_returned"]) == (
        "1",
        "1",
        "1",
    )
    assert offboarded[0].actor_id == tenant_a.compliance_officer.pk
    assert len(events("membership.ended")) == 1
    assert len(events("task.returned")) == 1


def test_offboarding_is_one_transaction(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signed_in_browser(tenant_a.vma)
    live = grant(tenant_a, patient_a)
    expiry = BreakGlassGrant.objects.get(pk=live.pk).expires_at
    membership = tenant_a.membership(tenant_a.vma)

    def audit_down(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    # The last step fails: everything before it must be undone.
    monkeypatch.setattr(services, "record", audit_down)
    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(RuntimeError):
        services.worker_offboard(
            membership=membership, actor=tenant_a.compliance_officer, reason="Resigned."
        )

    assert Membership.objects.get(pk=membership.pk).is_active
    assert UserSession.objects.filter(user=tenant_a.vma).count() == 1
    assert BreakGlassGrant.objects.get(pk=live.pk).expires_at == expiry
    task = Task.objects.get(pk=vma_task.pk)
    assert (task.status, task.assignee_id) == (TaskStatus.ASSIGNED, tenant_a.vma.pk)
    assert not task.events.filter(kind="returned").exists()
    assert not Checklist.objects.exists()
    assert not ChecklistItem.objects.exists()
    assert not AuditEvent.objects.filter(
        event__in=["membership.ended", "task.returned", "workforce.offboarded"]
    ).exists()


def test_offboarding_twice_gives_a_clear_error(tenant_a: Tenant) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    services.worker_offboard(membership=membership, actor=tenant_a.bpo_admin, reason="Left.")
    with pytest.raises(ValidationError, match="already offboarded"):
        services.worker_offboard(membership=membership, actor=tenant_a.bpo_admin, reason="Again.")
    assert Checklist.objects.filter(kind=ChecklistKind.OFFBOARDING).count() == 1
    assert len(events("workforce.offboarded")) == 1


def test_offboarding_needs_a_reason_the_right_role_and_someone_else(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    with pytest.raises(ValidationError) as error:
        services.worker_offboard(membership=membership, actor=tenant_a.bpo_admin, reason="  ")
    assert "reason" in error.value.message_dict
    for actor in (tenant_a.supervisor, tenant_a.trainer, tenant_b.bpo_admin):
        with pytest.raises(PermissionDenied):
            services.worker_offboard(membership=membership, actor=actor, reason="Left.")
    with pytest.raises(ValidationError, match="cannot offboard yourself"):
        services.worker_offboard(
            membership=tenant_a.membership(tenant_a.compliance_officer),
            actor=tenant_a.compliance_officer,
            reason="Leaving.",
        )
    assert Membership.objects.filter(organization=tenant_a.bpo, is_active=False).count() == 0
    assert not events("workforce.offboarded")
