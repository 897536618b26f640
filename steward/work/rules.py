"""The work rule: for a VMA, an assigned open task is the key to the patient's record.

Registered with the gate (``steward.core.policy``). It only denies:
a VMA's read, change, export or message about a patient needs an open task for
that patient assigned to them whose type's purpose is the purpose asked for —
or contact on the patient's chosen channel (``reminders-sms|email``, which the
consent rule then decides) — until the task closes plus a short tail
(``STEWARD_WORK_ACCESS_TAIL_MINUTES``, default 10). Anything else:
``no-active-assignment``. Searches are decided per record, so a VMA's search
finds only the patients of their own tasks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from steward.core.policy import AccessRequest, Action, Deny, Outcome, register
from steward.tenancy.roles import Role
from steward.work.models import OPEN_STATUSES, Task

CONTACT_PURPOSES = frozenset({"reminders-sms", "reminders-email"})


def assignment_open(*, user: Any, patient: Any, purpose_code: str) -> bool:
    tail = dt.timedelta(minutes=settings.STEWARD_WORK_ACCESS_TAIL_MINUTES)
    tasks = Task.objects.filter(patient=patient, assignee=user).filter(
        Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=timezone.now() - tail)
    )
    if purpose_code not in CONTACT_PURPOSES:
        tasks = tasks.filter(task_type__purpose_id=purpose_code)
    return tasks.exists()


class AssignmentRule:
    name = "work.assignment"

    def evaluate(self, request: AccessRequest) -> Outcome:
        if request.subject.role != Role.VMA or request.action == Action.SEARCH:
            return None
        if request.patient is None or request.purpose is None:
            return None
        if assignment_open(
            user=request.subject.user, patient=request.patient, purpose_code=request.purpose.code
        ):
            return None
        return Deny(("no-active-assignment",))


def register_rules() -> None:
    register(AssignmentRule())
