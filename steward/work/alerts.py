"""Breach alerts: once per task, the team's supervisor is told a due time has passed.

Run by ``steward work_sla_sweep`` (cron) or the Celery beat task ``steward.work.tasks.sweep``.
The email names the task type, practice and due time and links to the task: no patient detail.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from steward.work.models import OPEN_STATUSES, Task, TaskEvent


def sweep(*, limit: int = 500) -> int:
    """Alert on tasks past a due time that were not alerted yet; returns how many."""
    now = timezone.now()
    due = (
        Task.objects.filter(
            status__in=OPEN_STATUSES,
            breach_alerted_at__isnull=True,
            paused_since__isnull=True,
        )
        .filter(
            Q(first_responded_at__isnull=True, first_response_due__lt=now)
            | Q(resolution_due__lt=now)
        )
        .select_related("task_type", "tenant", "team__supervisor")
        .order_by("resolution_due")[:limit]
    )
    alerted = 0
    for task in due:
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task.pk, breach_alerted_at__isnull=True).update(
                breach_alerted_at=now
            )
            if not claimed:
                continue  # another sweeper got it
            which = (
                "first response"
                if task.first_responded_at is None and task.first_response_due < now
                else "resolution"
            )
            TaskEvent.objects.create(task=task, kind="breach", detail={"clock": which})
            supervisor = task.team.supervisor if task.team else None
            if supervisor is not None and supervisor.email:
                link = f"{settings.STEWARD_PUBLIC_URL}{reverse('work:task', args=[task.pk])}"
                transaction.on_commit(
                    partial(
                        send_mail,
                        f"SLA breach: {task.task_type.name} for {task.tenant.short_name}",
                        f"The {which} time of a {task.task_type.name} task passed. Open it: {link}",
                        None,
                        [supervisor.email],
                        fail_silently=True,
                    )
                )
            alerted += 1
    return alerted
