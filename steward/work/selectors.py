"""Reads for the work pages: queues, boards, SLA figures. Always scoped to a team or tenant."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Team
from steward.work.models import ACTIVE_STATUSES, OPEN_STATUSES, Task, TaskStatus


def my_tasks(user: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(assignee=user, status__in=ACTIVE_STATUSES)
        .select_related("task_type", "tenant")
        .order_by("priority_rank", "resolution_due")
    )


def clocks(task: Task, now: dt.datetime | None = None) -> dict[str, Any]:
    """Where the task's SLA clocks stand: met, breached, at risk, or running (paused)."""
    now = now or timezone.now()
    risk = dt.timedelta(minutes=settings.STEWARD_WORK_AT_RISK_MINUTES)

    def state(due: dt.datetime, met: dt.datetime | None) -> str:
        if met is not None:
            return "met" if met <= due else "late"
        if task.paused_since is not None:
            return "paused"
        if now > due:
            return "breached"
        return "at-risk" if due - now <= risk else "running"

    closed = task.closed_at if task.status == TaskStatus.RESOLVED else None
    return {
        "first_response": state(task.first_response_due, task.first_responded_at),
        "resolution": state(task.resolution_due, closed),
    }


def board(teams: list[Team], *, status: str = "", task_type: str = "", only: str = "") -> Any:
    """Open tasks of ``teams`` for the supervisor's board, with filters."""
    found = (
        Task.objects.filter(team__in=teams, status__in=OPEN_STATUSES)
        .select_related("task_type", "assignee", "tenant", "team")
        .order_by("priority_rank", "resolution_due")
    )
    if status in TaskStatus.values:
        found = found.filter(status=status)
    if task_type:
        found = found.filter(task_type__code=task_type)
    now = timezone.now()
    if only == "breached":
        found = found.filter(
            Q(first_responded_at__isnull=True, first_response_due__lt=now)
            | Q(resolution_due__lt=now),
            paused_since__isnull=True,
        )
    elif only == "at-risk":
        soon = now + dt.timedelta(minutes=settings.STEWARD_WORK_AT_RISK_MINUTES)
        found = found.filter(resolution_due__gte=now, resolution_due__lte=soon)
    return found


def sla_report(tasks: QuerySet[Task]) -> dict[str, Any]:
    """On-time rates and median times per task type, over closed tasks."""
    per_type: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "total": 0,
            "first_on_time": 0,
            "resolved_on_time": 0,
            "resolved": 0,
            "escalated": 0,
            "first_minutes": [],
            "resolution_minutes": [],
        }
    )
    rows = tasks.filter(closed_at__isnull=False).values_list(
        "task_type__name",
        "status",
        "created_at",
        "first_responded_at",
        "first_response_due",
        "closed_at",
        "resolution_due",
    )
    for name, status, created, responded, first_due, closed, resolution_due in rows.iterator(
        chunk_size=2000
    ):
        assert closed is not None  # noqa: S101 - filtered above
        row = per_type[name]
        row["total"] += 1
        if responded is not None:
            row["first_on_time"] += responded <= first_due
            row["first_minutes"].append((responded - created).total_seconds() / 60)
        if status == TaskStatus.RESOLVED:
            row["resolved"] += 1
            row["resolved_on_time"] += closed <= resolution_due
            row["resolution_minutes"].append((closed - created).total_seconds() / 60)
        elif status == TaskStatus.ESCALATED:
            row["escalated"] += 1
    report = []
    for name in sorted(per_type):
        row = per_type[name]
        report.append(
            {
                "name": name,
                "total": row["total"],
                "first_on_time": _percent(row["first_on_time"], len(row["first_minutes"])),
                "resolved_on_time": _percent(row["resolved_on_time"], row["resolved"]),
                "escalated": row["escalated"],
                "median_first_minutes": _median(row["first_minutes"]),
                "median_resolution_minutes": _median(row["resolution_minutes"]),
            }
        )
    return {"types": report}


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _median(values: list[float]) -> int | None:
    return round(statistics.median(values)) if values else None


def weekly_on_time(tasks: QuerySet[Task], weeks: int = 12) -> list[tuple[str, int]]:
    """Share of resolved tasks resolved on time, per week (for a chart)."""
    since = timezone.now() - dt.timedelta(weeks=weeks)
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = tasks.filter(status=TaskStatus.RESOLVED, closed_at__gte=since).values_list(
        "closed_at", "resolution_due"
    )
    for closed, due in rows.iterator(chunk_size=2000):
        if closed is None:
            continue
        week = closed.date() - dt.timedelta(days=closed.weekday())
        buckets[week.isoformat()][0] += closed <= due
        buckets[week.isoformat()][1] += 1
    return [(week, round(100 * on / total)) for week, (on, total) in sorted(buckets.items())]
