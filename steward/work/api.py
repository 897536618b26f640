"""Tasks in the JSON API: practice systems queue work for the vendor's assistants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from steward.access import gate
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.tenancy.permissions import active_membership
from steward.work import services
from steward.work.models import Source, Task, TaskType
from steward.work.views import PRACTICE_STAFF

router = Router(tags=["tasks"], auth=django_auth)


class TaskIn(Schema):
    patient_id: uuid.UUID
    task_type: str
    priority: str | None = None
    channel: str | None = None
    language: str = ""


class TaskOut(Schema):
    id: uuid.UUID
    task_type: str
    status: str
    priority: str
    channel: str
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    assigned: bool


def _out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "task_type": task.task_type.code,
        "status": task.status,
        "priority": task.priority,
        "channel": task.channel,
        "first_response_due": task.first_response_due,
        "resolution_due": task.resolution_due,
        "assigned": task.assignee_id is not None,
    }


def _practice_staff(request: HttpRequest) -> Any:
    membership = active_membership(request)
    if membership.role not in PRACTICE_STAFF:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Tasks are created and read by the practice's staff.")
    return membership


@router.post("/", response={201: TaskOut})
@gated(action="read")
def create(request: HttpRequest, payload: TaskIn) -> Any:
    """Queue a task for a patient of the caller's practice (the patient is opened through the
    gate, so the creation is decided and recorded like any access)."""
    membership = _practice_staff(request)
    try:
        reading = gate.read(
            subject=subject_from_request(request),
            patient_id=payload.patient_id,
            purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(membership.role, ""),
            fields={"given_name"},
        )
    except gate.AccessDenied as error:
        status = 404 if error.concealed else 403
        return JsonResponse(
            {"reason": "not-found" if error.concealed else "forbidden", "detail": error.message},
            status=status,
        )
    task_type = TaskType.objects.filter(
        tenant=membership.organization, code=payload.task_type, is_active=True
    ).first()
    if task_type is None:
        return _invalid({"task_type": ["No such task type at this practice."]})
    try:
        task = services.task_create(
            tenant=membership.organization,
            patient=reading.patient,
            task_type=task_type,
            actor=request.user,  # type: ignore[arg-type]
            source=Source.API,
            priority=payload.priority,
            channel=payload.channel,
            language=payload.language,
        )
    except ValidationError as exc:
        return _invalid(exc.message_dict)
    return Status(201, _out(task))


def _invalid(problems: dict[str, Any]) -> HttpResponse:
    return JsonResponse({"reason": "invalid-input", "detail": problems}, status=422)


@router.get("/{task_id}", response=TaskOut)
def detail(request: HttpRequest, task_id: uuid.UUID) -> Any:
    """A task's status and clocks (no patient data)."""
    membership = _practice_staff(request)
    task = (
        Task.objects.filter(pk=task_id, tenant=membership.organization)
        .select_related("task_type")
        .first()
    )
    if task is None:
        raise Http404
    return _out(task)
