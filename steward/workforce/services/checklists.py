"""Onboarding and offboarding checklists.

Onboarding lists what must be true before a worker touches patient data: some steps
Steward checks from live data (MFA, team, clearance), the rest a person ticks. Offboarding
does the security-critical steps itself, at once and in one transaction — membership,
sessions, break-glass, open tasks — and leaves the physical ones to be ticked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from steward.access.models import BreakGlassGrant
from steward.accounts.models import User
from steward.accounts.services import user_sessions_end
from steward.tenancy.models import Membership
from steward.tenancy.roles import OrganizationKind, Role
from steward.tenancy.services import membership_end
from steward.work import services as work_services
from steward.work.models import ACTIVE_STATUSES, Task
from steward.workforce.clearance import Clearance, clearance_for
from steward.workforce.models import Checklist, ChecklistItem, ChecklistKind
from steward.workforce.services.common import record

CHECKLIST_MANAGERS = frozenset({Role.COMPLIANCE_OFFICER, Role.BPO_ADMIN})


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    automatic: bool = False


ONBOARDING_STEPS = (
    Step("mfa-enrolled", "Multi-factor authentication enrolled", automatic=True),
    Step("team-assigned", "Assigned to a team", automatic=True),
    Step("screening-clear", "Background screening clear and current", automatic=True),
    Step("training-current", "Required training completed and current", automatic=True),
    Step("policies-accepted", "Current version of every required policy accepted", automatic=True),
    Step("equipment-issued", "Workstation issued with disk encryption and screen lock"),
    Step("security-briefing", "Clean-desk and workspace privacy briefing"),
    Step("supervisor-introduced", "Introduced to their supervisor"),
)
OFFBOARDING_STEPS = (
    Step("membership-ended", "Membership of the vendor ended", automatic=True),
    Step("sessions-ended", "Every signed-in session ended", automatic=True),
    Step("break-glass-ended", "Emergency (break-glass) access ended", automatic=True),
    Step("tasks-returned", "Open tasks returned to the team's queue", automatic=True),
    Step("equipment-returned", "Workstation and equipment returned or wiped"),
    Step("vendor-systems-closed", "Accounts in the vendor's other systems closed"),
    Step("confidentiality-reminder", "Reminded of continuing confidentiality duties"),
)
CLEARANCE_AREAS = {
    "screening-clear": "screening",
    "training-current": "training",
    "policies-accepted": "policy",
}


# --- Who may act ---------------------------------------------------------------------------


def _actor_membership(actor: User | None, membership: Membership) -> Membership | None:
    if actor is None:
        return None
    return (
        Membership.objects.current()
        .filter(user=actor, organization_id=membership.organization_id)
        .select_related("team")
        .first()
    )


def _require_manager(actor: User | None, membership: Membership) -> None:
    mine = _actor_membership(actor, membership)
    if mine is None or mine.role not in CHECKLIST_MANAGERS:
        raise PermissionDenied("Only the vendor's compliance officer or administrator does this.")


def _require_ticker(actor: User | None, membership: Membership) -> None:
    """Managers tick any step; a supervisor ticks the steps of their own team's workers."""
    mine = _actor_membership(actor, membership)
    if mine is not None and mine.user_id == membership.user_id:
        # Nobody vouches for their own onboarding (or offboarding) steps.
        raise PermissionDenied("Someone else ticks the steps of your own checklist.")
    if mine is not None and mine.role in CHECKLIST_MANAGERS:
        return
    supervises = (
        mine is not None
        and mine.role == Role.SUPERVISOR
        and membership.team is not None
        and membership.team.supervisor_id == mine.user_id
    )
    if not supervises:
        raise PermissionDenied("Only the vendor's compliance staff or the worker's supervisor.")


# --- Onboarding ----------------------------------------------------------------------------


def _clearance_check(area: str) -> Callable[[Membership, Clearance], tuple[bool, str]]:
    def check(membership: Membership, clearance: Clearance) -> tuple[bool, str]:
        items = [r for r in clearance.requirements if r.area == area]
        if not items:
            return True, "Nothing required for this role."
        waiting = [f"{r.label} ({r.state})" for r in items if r.reason]
        if waiting:
            return False, ("Waiting on: " + "; ".join(waiting))[:300]
        return True, ""

    return check


def _mfa(membership: Membership, clearance: Clearance) -> tuple[bool, str]:
    enrolled = (
        Authenticator.objects.filter(user_id=membership.user_id)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )
    return enrolled, "" if enrolled else "No authenticator app or security key yet."


def _team(membership: Membership, clearance: Clearance) -> tuple[bool, str]:
    team = membership.team
    return (True, team.name) if team is not None else (False, "No team yet.")


AUTOMATIC_CHECKS: dict[str, Callable[[Membership, Clearance], tuple[bool, str]]] = {
    "mfa-enrolled": _mfa,
    "team-assigned": _team,
    **{code: _clearance_check(area) for code, area in CLEARANCE_AREAS.items()},
}


def _refresh(checklist: Checklist) -> list[str]:
    """Re-evaluate the live steps and the completion time; returns the codes that changed."""
    changed: list[str] = []
    now = timezone.now()
    items = list(checklist.items.order_by("position"))
    live = [i for i in items if i.automatic and i.code in AUTOMATIC_CHECKS]
    if checklist.kind == ChecklistKind.ONBOARDING and live:
        membership = Membership.objects.select_related("organization", "team").get(
            pk=checklist.membership_id
        )
        clearance = clearance_for(membership)
        for item in live:
            done, note = AUTOMATIC_CHECKS[item.code](membership, clearance)
            if done != (item.done_at is not None) or note != item.note:
                if done != (item.done_at is not None):
                    changed.append(item.code)
                item.done_at = (item.done_at or now) if done else None
                item.note = note
                item.save(update_fields=["done_at", "note"])
    complete = all(i.done_at is not None for i in items)
    if complete != (checklist.completed_at is not None):
        checklist.completed_at = now if complete else None
        checklist.save(update_fields=["completed_at"])
        changed.append("completed" if complete else "reopened")
    return changed


def onboarding_start(*, membership: Membership, actor: User) -> Checklist:
    """Open the onboarding checklist of a vendor worker, its live steps already evaluated."""
    if membership.organization.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        raise ValidationError("Onboarding checklists are for the vendor's people.")
    _require_manager(actor, membership)
    if not membership.is_active:
        raise ValidationError("This membership has ended: there is nobody to onboard.")
    with transaction.atomic():
        Membership.objects.select_for_update(of=("self",)).filter(pk=membership.pk).first()
        if Checklist.objects.filter(membership=membership, kind=ChecklistKind.ONBOARDING).exists():
            raise ValidationError(f"{membership.user} already has an onboarding checklist.")
        checklist = Checklist.objects.create(
            tenant=membership.organization,
            membership=membership,
            kind=ChecklistKind.ONBOARDING,
            started_by=actor,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                code=step.code,
                label=step.label,
                position=position,
                automatic=step.automatic,
            )
            for position, step in enumerate(ONBOARDING_STEPS, start=1)
        )
        _refresh(checklist)
        record(
            "onboarding-started",
            actor=actor,
            tenant=checklist.tenant_id,
            entity=checklist,
            worker=membership.user_id,
            membership=membership.pk,
        )
    return checklist


def checklist_refresh(*, checklist: Checklist) -> Checklist:
    """Re-check the live steps from current data (ticked ones stay); audited when it changes."""
    with transaction.atomic():
        locked = Checklist.objects.select_for_update(of=("self",)).get(pk=checklist.pk)
        changed = _refresh(locked)
        if changed:
            record(
                "checklist-refreshed",
                actor=None,
                tenant=locked.tenant_id,
                entity=locked,
                kind=locked.kind,
                changed=",".join(changed),
            )
    return locked


def checklist_item_tick(*, item: ChecklistItem, actor: User, note: str = "") -> ChecklistItem:
    """A person marks a manual step done (with an optional note); live steps are Steward's."""
    if item.automatic:
        raise ValidationError("Steward checks this step itself; it cannot be ticked by hand.")
    with transaction.atomic():
        # The checklist first, then the item: the same order as a refresh takes them.
        checklist = Checklist.objects.select_for_update(of=("self",)).get(pk=item.checklist_id)
        locked = ChecklistItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        membership = Membership.objects.select_related("team").get(pk=checklist.membership_id)
        _require_ticker(actor, membership)
        if locked.done_at is not None:
            raise ValidationError("This step is already ticked.")
        locked.done_at = timezone.now()
        locked.done_by = actor
        locked.note = (note or "").strip()[:300]
        locked.save(update_fields=["done_at", "done_by", "note"])
        record(
            "checklist-item-ticked",
            actor=actor,
            tenant=checklist.tenant_id,
            entity=checklist,
            item=locked.code,
            worker=membership.user_id,
        )
        changed = _refresh(checklist)
        if changed:
            record(
                "checklist-refreshed",
                actor=actor,
                tenant=checklist.tenant_id,
                entity=checklist,
                kind=checklist.kind,
                changed=",".join(changed),
            )
    return locked


# --- Offboarding ---------------------------------------------------------------------------


def _tasks_return(*, user: User, membership: Membership, actor: User) -> int:
    """Put the worker's tasks in hand back in their team's queue; returns how many."""
    tasks = (
        Task.objects.select_for_update(of=("self",))
        .filter(assignee=user, status__in=ACTIVE_STATUSES)
        .filter(Q(team__organization_id=membership.organization_id) | Q(team__isnull=True))
        .order_by("pk")
    )
    returned = 0
    for task in tasks:
        work_services.task_return(task=task, actor=actor, why="offboarded")
        returned += 1
    return returned


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def worker_offboard(*, membership: Membership, actor: User, reason: str) -> Checklist:
    """End a worker's access at once and open their offboarding checklist.

    In one transaction: the membership ends, their active break-glass grants expire, their
    tasks in hand go back to the queue, and the checklist records it all with counts. Their
    sessions end when it commits (a session ended inside a transaction that then failed
    could not be restored). Only the vendor's compliance officer or administrator offboards,
    and never themselves.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the worker leaves."})
    if membership.organization.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        raise ValidationError("Offboarding is for the vendor's people.")
    _require_manager(actor, membership)
    if membership.user_id == actor.pk:
        raise ValidationError("You cannot offboard yourself; ask another administrator.")
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organization", "user")
            .get(pk=membership.pk)
        )
        already = Checklist.objects.filter(membership=locked, kind=ChecklistKind.OFFBOARDING)
        if not locked.is_active or already.exists():
            raise ValidationError(f"{locked.user} was already offboarded from this vendor.")
        user = locked.user
        now = timezone.now()
        sessions = UserSession.objects.filter(user=user).count()
        membership_end(membership=locked, actor=actor, reason=reason)
        grants = list(
            BreakGlassGrant.objects.select_for_update(of=("self",))
            .filter(user=user, expires_at__gt=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        BreakGlassGrant.objects.filter(pk__in=grants).update(expires_at=now)
        tasks = _tasks_return(user=user, membership=locked, actor=actor)
        checklist = Checklist.objects.create(
            tenant=locked.organization,
            membership=locked,
            kind=ChecklistKind.OFFBOARDING,
            started_by=actor,
            reason=reason[:300],
        )
        notes = {
            "membership-ended": f"Ended {now:%Y-%m-%d %H:%M} UTC.",
            "sessions-ended": f"{_count(sessions, 'session')} signed out.",
            "break-glass-ended": f"{_count(len(grants), 'active emergency grant')} expired.",
            "tasks-returned": f"{_count(tasks, 'task')} returned to the queue.",
        }
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                code=step.code,
                label=step.label,
                position=position,
                automatic=step.automatic,
                done_at=now if step.automatic else None,
                done_by=actor if step.automatic else None,
                note=notes.get(step.code, ""),
            )
            for position, step in enumerate(OFFBOARDING_STEPS, start=1)
        )
        record(
            "offboarded",
            actor=actor,
            tenant=locked.organization,
            entity=checklist,
            worker=user.pk,
            membership=locked.pk,
            role=locked.role,
            sessions=sessions,
            break_glass_grants=len(grants),
            tasks_returned=tasks,
        )
        # membership_end schedules the same; ending sessions twice finds none the second time.
        transaction.on_commit(lambda: user_sessions_end(user=user))
    return checklist


def offboarding_preview(*, membership: Membership) -> dict[str, Any]:
    """What offboarding ``membership`` would do now, for the confirmation page (no change)."""
    user = membership.user
    return {
        "sessions": UserSession.objects.filter(user=user).count(),
        "break_glass": BreakGlassGrant.objects.filter(
            user=user, expires_at__gt=timezone.now()
        ).count(),
        "tasks": Task.objects.filter(assignee=user, status__in=ACTIVE_STATUSES)
        .filter(Q(team__organization_id=membership.organization_id) | Q(team__isnull=True))
        .count(),
        "steps": OFFBOARDING_STEPS,
    }
