"""Practice staff's pages: tasks of the practice, a new task for a patient, task types."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from steward.access import display, gate
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.access.views import denied
from steward.core.forms import errors_to_form
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Organization, Team
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role
from steward.work import selectors, services
from steward.work.forms import (
    TaskForm,
)
from steward.work.models import Source, Task, TaskStatus, TaskType
from steward.work.views.common import (
    PRACTICE_STAFF,
    role_of,
    user_of,
)


def _practice(request: HttpRequest) -> Organization:
    membership = active_membership(request)
    if membership.role not in PRACTICE_STAFF:
        raise PermissionDenied("Tasks are created by the practice's staff.")
    return membership.organization


@login_required
@gated(action="read")
def task_create(request: HttpRequest, patient_id: str) -> HttpResponse:
    tenant = _practice(request)
    subject = subject_from_request(request)
    try:
        reading = gate.read(
            subject=subject,
            patient_id=patient_id,
            purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(role_of(request), ""),
            fields={"given_name", "family_name", "preferred_language"},
        )
    except gate.AccessDenied as error:
        return denied(request, error)
    types = TaskType.objects.filter(tenant=tenant, is_active=True)
    form = TaskForm(
        request.POST or None,
        task_types=[(t.code, t.name) for t in types],
        initial={"language": reading.values.get("preferred_language") or ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                tenant=tenant,
                patient=reading.patient,
                task_type=types.get(code=data["task_type"]),
                actor=request.user,  # type: ignore[arg-type]
                source=Source.STAFF,
                priority=data["priority"],
                channel=data["channel"],
                language=data["language"],
            )
            if data["message"].strip():
                services.message_post(
                    subject=subject,
                    thread=services.thread_for(task),
                    body=data["message"],
                    purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(role_of(request), ""),
                )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except gate.AccessDenied as error:
            return denied(request, error)
        else:
            messages.success(request, f"“{task.task_type.name}” is queued for the vendor's team.")
            return redirect("work:practice")
    return render(
        request,
        "work/task_form.html",
        {"form": form, "patient": reading.patient, "name": display.display_name(reading.values)},
        status=400 if form.errors else 200,
    )


@login_required
def practice_tasks(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership.role not in PRACTICE_STAFF | {Role.PRIVACY_OFFICER} or (
        membership.organization.kind != OrganizationKind.COVERED_ENTITY
    ):
        raise PermissionDenied("This list is for the practice's staff.")
    found = Task.objects.filter(tenant=membership.organization).select_related(
        "task_type", "assignee"
    )
    status = request.GET.get("status", "")
    if status in TaskStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    if request.GET.get("escalated") == "me" and membership.role == Role.PRACTITIONER:
        found = found.filter(status=TaskStatus.ESCALATED, escalated_to="practitioner")
    page = paginate(request, found.order_by("-created_at"))
    return render(
        request,
        "work/practice.html",
        {
            "page": page,
            "rows": [{"task": t, "clocks": selectors.clocks(t)} for t in page.object_list],
            "query": query_without_page(request),
            "status": status,
            "statuses": TaskStatus.choices,
        },
    )


# Configuration: the practice's task types (client admin), assistants' profiles (supervisors).


def _type_form(request: HttpRequest, tenant: Organization, initial: dict[str, Any]) -> Any:
    from steward.access.models import PurposeOfUse
    from steward.catalog.selectors import current
    from steward.tenancy.models import AgreementStatus
    from steward.work.forms import TaskTypeForm

    catalogue = current(tenant)
    names = [s.name for s in catalogue.services.all()] if catalogue else []
    names = list(dict.fromkeys([*names, *([initial["service"]] if initial.get("service") else [])]))
    purposes = [
        (p.code, p.name)
        for p in PurposeOfUse.objects.filter(is_active=True, emergency_only=False)
        if {Role.VMA, Role.SUPERVISOR} & set(p.roles)
    ]
    teams = [
        (str(t.pk), f"{t.organization.short_name}: {t.name}")
        for t in Team.objects.filter(
            organization__agreements_as_associate__covered_entity=tenant,
            organization__agreements_as_associate__status=AgreementStatus.ACTIVE,
        )
        .select_related("organization")
        .distinct()
    ]
    return TaskTypeForm(
        request.POST or None, initial=initial, services=names, purposes=purposes, teams=teams
    )


@login_required
def task_types(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request)
    return render(
        request,
        "work/task_types.html",
        {
            "types": TaskType.objects.filter(tenant=tenant).select_related("purpose", "team"),
            "can_edit": role_of(request) == Role.CLIENT_ADMIN,
        },
    )


@login_required
def task_type_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    from steward.work.forms import protocol_text

    tenant = _practice(request)
    if role_of(request) != Role.CLIENT_ADMIN:
        raise PermissionDenied("The practice's administrator defines task types.")
    task_type = get_object_or_404(TaskType, tenant=tenant, code=code) if code else None
    initial: dict[str, Any] = {
        "is_active": True,
        "fallback_first_response_minutes": 240,
        "fallback_resolution_minutes": 1440,
    }
    if task_type is not None:
        initial = {
            "name": task_type.name,
            "code": task_type.code,
            "service": task_type.service,
            "purpose": task_type.purpose_id,
            "team": str(task_type.team_id or ""),
            "skill": task_type.skill,
            "default_priority": task_type.default_priority,
            "default_channel": task_type.default_channel,
            "fallback_first_response_minutes": task_type.fallback_first_response_minutes,
            "fallback_resolution_minutes": task_type.fallback_resolution_minutes,
            "patient_requestable": task_type.patient_requestable,
            "is_active": task_type.is_active,
            "protocol": protocol_text(task_type.steps()),
        }
    form = _type_form(request, tenant, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_type_save(
                tenant=tenant,
                actor=user_of(request),
                values=form.cleaned_data,
                task_type=task_type,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"“{form.cleaned_data['name']}” is saved.")
            return redirect("work:task-types")
    return render(
        request,
        "work/task_type_form.html",
        {"form": form, "task_type": task_type},
        status=400 if form.errors else 200,
    )
