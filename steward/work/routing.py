"""Who does which task next, and a record of every such decision.

"Next task" (an assistant pulls): among their team's queued tasks whose language and skill
they have, the most urgent first — priority, then the resolution due time, then age — taken
with ``SKIP LOCKED`` so two assistants never get the same task. The ordering is served by a
partial index on queued tasks, so the choice costs the same with a thousand or a million
tasks waiting.

"Distribute" (a supervisor pushes): each queued task, most urgent first, goes to the eligible
assistant with the fewest tasks in hand; among equals, the one assigned longest ago (round
robin). Assistants at their limit are skipped, and so is anyone a registered eligibility check
(``core.eligibility``: workforce clearance) says may not be handed work now.

Every decision — including "nobody eligible" and "at capacity" — is stored with its inputs
(``RoutingDecision``) so unequal waiting can be audited later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from steward.accounts.models import User
from steward.core import eligibility
from steward.core.reasons import describe
from steward.tenancy.models import Membership, Team
from steward.tenancy.roles import Role
from steward.work import services
from steward.work.models import (
    ACTIVE_STATUSES,
    RoutingDecision,
    Task,
    TaskStatus,
    WorkerProfile,
)

POLICY_VERSION = "routing-2026-11.2"  # .2: workers with eligibility blockers are passed over


@dataclass(frozen=True)
class Worker:
    user: User
    team: Team | None
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    max_open: int
    blockers: tuple[str, ...] = ()  # why they may not be handed work now (e.g. not cleared)


def worker_for(membership: Membership, *, blockers: tuple[str, ...] | None = None) -> Worker:
    """The worker as routing sees them; ``blockers`` when already known (a batch)."""
    try:
        profile: WorkerProfile | None = membership.work_profile  # cached when select_related
    except WorkerProfile.DoesNotExist:
        profile = None
    return Worker(
        user=membership.user,
        team=membership.team,
        languages=tuple(profile.languages) if profile else (),
        skills=tuple(profile.skills) if profile else (),
        max_open=profile.max_open_tasks if profile else 5,
        blockers=eligibility.blockers(membership) if blockers is None else blockers,
    )


def load_of(user: User) -> int:
    return Task.objects.filter(assignee=user, status__in=ACTIVE_STATUSES).count()


def eligible(worker: Worker) -> Q:
    """The queued tasks ``worker`` may take: their team's, in a language and skill they have."""
    return (
        Q(team=worker.team, status=TaskStatus.QUEUED)
        & (Q(language="") | Q(language__in=worker.languages))
        & (Q(skill="") | Q(skill__in=worker.skills))
    )


def _record(
    *,
    task: Task | None,
    worker: User | None,
    decided_by: User | None,
    mode: str,
    outcome: str,
    inputs: dict[str, Any],
) -> None:
    RoutingDecision.objects.create(
        task=task,
        worker=worker,
        decided_by=decided_by,
        mode=mode,
        outcome=outcome,
        inputs=inputs,
        policy_version=POLICY_VERSION,
    )


def next_task(*, membership: Membership) -> Task | None:
    """Assign the assistant the most urgent task they can take, or None (recorded either way)."""
    worker = worker_for(membership)
    inputs: dict[str, Any] = {
        "team": str(worker.team.pk) if worker.team else None,
        "languages": list(worker.languages),
        "skills": list(worker.skills),
        "max_open": worker.max_open,
    }
    with transaction.atomic():
        load = load_of(worker.user)
        inputs["load"] = load
        if worker.blockers or worker.team is None or load >= worker.max_open:
            inputs["blockers"] = list(worker.blockers)
            outcome = (
                "not-cleared"
                if worker.blockers
                else "no-team"
                if worker.team is None
                else "at-capacity"
            )
            _record(
                task=None,
                worker=worker.user,
                decided_by=worker.user,
                mode="next-task",
                outcome=outcome,
                inputs=inputs,
            )
            return None
        task = (
            Task.objects.filter(eligible(worker))
            .order_by("priority_rank", "resolution_due", "created_at", "id")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if task is None:
            _record(
                task=None,
                worker=worker.user,
                decided_by=worker.user,
                mode="next-task",
                outcome="none-eligible",
                inputs=inputs,
            )
            return None
        inputs.update(
            priority=task.priority,
            resolution_due=task.resolution_due.isoformat(),
            language=task.language,
            skill=task.skill,
            waited_seconds=round((timezone.now() - task.created_at).total_seconds()),
        )
        task = services.assign(task=task, worker=worker.user, actor=worker.user, mode="next-task")
        _record(
            task=task,
            worker=worker.user,
            decided_by=worker.user,
            mode="next-task",
            outcome="assigned",
            inputs=inputs,
        )
    return task


def team_workers(team: Team) -> list[Worker]:
    memberships = [
        m
        for m in Membership.objects.current()
        .filter(team=team, role=Role.VMA)
        .select_related("user", "team", "organization", "work_profile")
        if m.user.is_active
    ]
    blocked = eligibility.blockers_for(memberships)
    return [worker_for(m, blockers=blocked.get(m.pk, ())) for m in memberships]


def choose(task: Task, workers: list[Worker]) -> tuple[Worker | None, dict[str, Any]]:
    """The eligible worker with the fewest tasks in hand; ties go to the one assigned longest
    ago (round robin). Returns the choice and the inputs that made it."""
    users = [w.user.pk for w in workers]
    loads = dict(
        Task.objects.filter(assignee__in=users, status__in=ACTIVE_STATUSES)
        .values("assignee")
        .annotate(n=Count("pk"))
        .values_list("assignee", "n")
    )
    last = dict(
        Task.objects.filter(assignee__in=users)
        .values("assignee")
        .annotate(at=Max("assigned_at"))
        .values_list("assignee", "at")
    )
    candidates = []
    for w in workers:
        load = loads.get(w.user.pk, 0)
        fits = (not task.language or task.language in w.languages) and (
            not task.skill or task.skill in w.skills
        )
        candidates.append(
            {
                "worker": str(w.user.pk),
                "load": load,
                "max_open": w.max_open,
                "blockers": list(w.blockers),
                "eligible": fits and load < w.max_open and not w.blockers,
                "last_assigned": last[w.user.pk].isoformat() if last.get(w.user.pk) else None,
            }
        )
    ranked = sorted(
        (c for c in candidates if c["eligible"]),
        key=lambda c: (c["load"], c["last_assigned"] or ""),
    )
    inputs = {
        "priority": task.priority,
        "language": task.language,
        "skill": task.skill,
        "candidates": candidates,
    }
    if not ranked:
        return None, inputs
    chosen = next(w for w in workers if str(w.user.pk) == ranked[0]["worker"])
    return chosen, inputs


def distribute(*, team: Team, actor: User, limit: int = 50) -> int:
    """Assign up to ``limit`` queued tasks of ``team``, most urgent first; returns how many."""
    workers = team_workers(team)
    assigned = 0
    queued = Task.objects.filter(team=team, status=TaskStatus.QUEUED).order_by(
        "priority_rank", "resolution_due", "created_at", "id"
    )[:limit]
    for task in list(queued):
        with transaction.atomic():
            worker, inputs = choose(task, workers)
            if worker is None:
                _record(
                    task=task,
                    worker=None,
                    decided_by=actor,
                    mode="distribute",
                    outcome="none-eligible",
                    inputs=inputs,
                )
                continue
            services.assign(task=task, worker=worker.user, actor=actor, mode="distribute")
            _record(
                task=task,
                worker=worker.user,
                decided_by=actor,
                mode="distribute",
                outcome="assigned",
                inputs=inputs,
            )
            assigned += 1
    return assigned


def reassign(*, task: Task, worker_membership: Membership, actor: User) -> Task:
    """A supervisor hands a task to a named assistant of the task's team (recorded)."""
    from django.core.exceptions import ValidationError

    if worker_membership.role != Role.VMA or worker_membership.team_id != task.team_id:
        raise ValidationError({"worker": "Choose an assistant of the task's team."})
    worker = worker_for(worker_membership)
    if worker.blockers:
        words = "; ".join(describe(code).message for code in worker.blockers)
        raise ValidationError({"worker": f"{worker.user} cannot be given work now: {words}"})
    _chosen, inputs = choose(task, [worker])
    with transaction.atomic():
        task = services.assign(task=task, worker=worker.user, actor=actor, mode="reassign")
        _record(
            task=task,
            worker=worker.user,
            decided_by=actor,
            mode="reassign",
            outcome="assigned",
            inputs=inputs,
        )
    return task
