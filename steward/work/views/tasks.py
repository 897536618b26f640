"""The assistant's workspace and task page: protocol steps, waiting, resolving, escalating,
messaging. Patient data on them comes only through the gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from steward.access import display, gate
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.access.views import denied
from steward.consent import outbound
from steward.core import eligibility
from steward.core.reasons import describe
from steward.tenancy.models import Membership
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import Role
from steward.work import routing, selectors, services
from steward.work.forms import (
    CancelForm,
    EscalateForm,
    MessageForm,
    ReassignForm,
    StepForm,
    WaitForm,
)
from steward.work.models import RoutingDecision, Task, TaskStatus
from steward.work.views.common import (
    BOARD_ROLES,
    PRACTICE_STAFF,
    role_of,
    user_of,
)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if role_of(request) != Role.VMA:
        raise PermissionDenied("The workspace is for virtual medical assistants.")
    tasks = list(selectors.my_tasks(request.user))  # type: ignore[arg-type]
    worker = routing.worker_for(active_membership(request))
    return render(
        request,
        "work/workspace.html",
        {
            "rows": [{"task": t, "clocks": selectors.clocks(t)} for t in tasks],
            "worker": worker,
            "at_capacity": len(tasks) >= worker.max_open,
            "blockers": _blockers(worker.blockers),
        },
    )


def _blockers(codes: tuple[str, ...]) -> dict[str, Any] | None:
    """What stands between the assistant and new work, in words, with where to act."""
    if not codes:
        return None
    described = [describe(code) for code in codes]
    url_name = next((r.url_name for r in described if r.url_name), "")
    return {"reasons": described, "url": reverse(url_name) if url_name else ""}


@login_required
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    if role_of(request) != Role.VMA:
        raise PermissionDenied("Only assistants take tasks from the queue.")
    membership = active_membership(request)
    task = routing.next_task(membership=membership)
    if task is None:
        latest = (
            RoutingDecision.objects.filter(worker=membership.user).order_by("-at", "-id").first()
        )
        if latest is not None and latest.outcome == "not-cleared":
            messages.error(request, "You cannot take tasks until the items below are done.")
        else:
            messages.info(request, "No task you can take is waiting (or you are at your limit).")
        return redirect("work:workspace")
    return redirect("work:task", task_id=task.pk)


def _task_for(request: HttpRequest, task_id: str) -> Task:
    """The task, if the asker has a part in it; otherwise the same 404 as a missing one."""
    task = get_object_or_404(
        Task.objects.select_related("task_type", "tenant", "team", "assignee"), pk=task_id
    )
    membership = active_membership(request)
    role, organization = membership.role, membership.organization_id
    allowed = (
        (role == Role.VMA and task.assignee_id == request.user.pk)
        or (
            role in BOARD_ROLES
            and task.team is not None
            and task.team.organization_id == organization
            and (role == Role.BPO_ADMIN or task.team.supervisor_id == request.user.pk)
        )
        or (role in PRACTICE_STAFF | {Role.PRIVACY_OFFICER} and task.tenant_id == organization)
    )
    if not allowed:
        from django.http import Http404

        raise Http404("No such task.")
    return task


def _purpose_for(request: HttpRequest, task: Task) -> str:
    """Assistants and their supervisors work under the task's purpose; practice staff under
    their own usual one."""
    role = role_of(request)
    if role in (Role.VMA, Role.SUPERVISOR):
        return task.task_type.purpose_id
    return DEFAULT_PURPOSE_FOR_ROLE.get(role, "")


def _page(request: HttpRequest, task: Task, *, status: int = 200, **bound: Any) -> HttpResponse:
    subject = subject_from_request(request)
    purpose = _purpose_for(request, task)
    card, card_denial, thread_rows = None, None, []
    try:
        reading = gate.read(subject=subject, patient_id=task.patient_id, purpose_code=purpose)
        card = {"name": display.display_name(reading.values), "rows": display.rows(reading.values)}
        thread = getattr(task, "thread", None)
        if thread is not None:
            thread_rows = services.messages_read(
                subject=subject, thread=thread, purpose_code=purpose
            )
    except gate.AccessDenied as error:
        card_denial = error
    is_assignee = task.assignee_id == request.user.pk and task.status in (
        TaskStatus.ASSIGNED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.WAITING_PATIENT,
        TaskStatus.WAITING_CLINIC,
    )
    done = {r.step_key: r for r in task.steps.all()}
    flagged = sorted({code for row in thread_rows for code in row["message"].flags})
    workers: list[dict[str, Any]] = []
    if role_of(request) in BOARD_ROLES and task.team is not None and task.is_open:
        team = list(
            Membership.objects.current()
            .filter(team=task.team, role=Role.VMA)
            .select_related("user", "organization")
        )
        blocked = eligibility.blockers_for(team)
        workers = [{"membership": m, "blocked": bool(blocked.get(m.pk))} for m in team]
    return render(
        request,
        "work/task.html",
        {
            "task": task,
            "clocks": selectors.clocks(task),
            "card": card,
            "card_denial": card_denial,
            "thread_rows": thread_rows,
            "steps": [
                {"step": s, "record": done.get(str(s.get("key")))} for s in task.task_type.steps()
            ],
            "adherence": services.adherence(task),
            "history": task.events.select_related("actor"),
            "is_assignee": is_assignee,
            "may_write": card is not None and task.is_open,
            "flagged": flagged,
            "message_form": bound.get("message_form") or MessageForm(),
            "escalate_form": bound.get("escalate_form")
            or EscalateForm(initial={"reason": _suggested_reason(flagged)}),
            "wait_form": WaitForm(),
            "cancel_form": bound.get("cancel_form") or CancelForm(),
            "workers": workers,
            "errors": bound.get("errors", []),
        },
        status=status,
    )


def _suggested_reason(flagged: list[str]) -> str:
    mapping = {
        "urgent-symptom": "urgent",
        "symptom": "symptoms",
        "medication": "medication",
        "clinical-question": "clinical-question",
    }
    return next((mapping[code] for code in flagged if code in mapping), "out-of-scope")


@login_required
@gated(action="read")
def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    return _page(request, _task_for(request, task_id))


def _act(
    request: HttpRequest, task_id: str, act: Callable[[Task], str | None], **failed_form: Any
) -> HttpResponse:
    task = _task_for(request, task_id)
    try:
        words = act(task)
    except ValidationError as exc:
        return _page(request, task, status=400, errors=exc.messages, **failed_form)
    except gate.AccessDenied as error:
        return denied(request, error)
    if words:
        messages.success(request, words)
    return redirect("work:task", task_id=task.pk)


@login_required
@require_POST
@gated(action="update")
def task_step(request: HttpRequest, task_id: str) -> HttpResponse:
    form = StepForm(request.POST)

    def act(task: Task) -> str:
        if not form.is_valid():
            raise ValidationError("Choose a step.")
        services.step_record(
            task=task,
            actor=request.user,  # type: ignore[arg-type]
            step_key=form.cleaned_data["step"],
            skipped=form.cleaned_data["skipped"],
            reason=form.cleaned_data["reason"],
        )
        return "Step recorded."

    return _act(request, task_id, act)


@login_required
@require_POST
@gated(action="update")
def task_wait(request: HttpRequest, task_id: str) -> HttpResponse:
    form = WaitForm(request.POST)

    def act(task: Task) -> str:
        if not form.is_valid():
            raise ValidationError("Choose what the task waits on.")
        services.wait(task=task, actor=request.user, on=form.cleaned_data["on"])  # type: ignore[arg-type]
        return "The task is waiting."

    return _act(request, task_id, act)


@login_required
@require_POST
@gated(action="update")
def task_resume(request: HttpRequest, task_id: str) -> HttpResponse:
    def act(task: Task) -> str:
        services.resume(task=task, actor=user_of(request))
        return "Back in progress: the clocks run again."

    return _act(request, task_id, act)


@login_required
@require_POST
@gated(action="update")
def task_resolve(request: HttpRequest, task_id: str) -> HttpResponse:
    def act(task: Task) -> str:
        services.resolve(task=task, actor=user_of(request))
        return "Resolved."

    return _act(request, task_id, act)


@login_required
@require_POST
@gated(action="update")
def task_escalate(request: HttpRequest, task_id: str) -> HttpResponse:
    form = EscalateForm(request.POST)

    def act(task: Task) -> str:
        if not form.is_valid():
            raise ValidationError("Choose who takes over, and why.")
        thread = getattr(task, "thread", None)
        flags = sorted({code for m in thread.messages.all() for code in m.flags}) if thread else []
        services.escalate(
            task=task,
            actor=request.user,  # type: ignore[arg-type]
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            note_flags=flags,
        )
        return f"Escalated to the {form.cleaned_data['to']}."

    return _act(request, task_id, act, escalate_form=form)


@login_required
@require_POST
@gated(action="update")
def task_cancel(request: HttpRequest, task_id: str) -> HttpResponse:
    form = CancelForm(request.POST)

    def act(task: Task) -> str:
        if role_of(request) not in PRACTICE_STAFF | BOARD_ROLES:
            raise PermissionDenied("Only practice staff or supervisors cancel tasks.")
        if not form.is_valid():
            raise ValidationError("Say why the task is cancelled.")
        services.cancel(task=task, actor=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        return "Cancelled."

    return _act(request, task_id, act, cancel_form=form)


@login_required
@require_POST
@gated(action="update")
def task_message(request: HttpRequest, task_id: str) -> HttpResponse:
    form = MessageForm(request.POST)

    def act(task: Task) -> str | None:
        if not form.is_valid():
            raise ValidationError("Write a message (at most 4000 characters).")
        if not task.is_open:
            raise ValidationError("This task is closed; the patient can start a new request.")
        subject = subject_from_request(request)
        purpose = _purpose_for(request, task)
        services.message_post(
            subject=subject,
            thread=services.thread_for(task),
            body=form.cleaned_data["body"],
            purpose_code=purpose,
        )
        return _notify(request, task) or "Message sent; the patient sees it in the portal."

    return _act(request, task_id, act, message_form=form)


def _notify(request: HttpRequest, task: Task) -> str | None:
    """Tell the patient outside the portal on the task's channel, if they agreed to it."""
    if task.channel not in outbound.CHANNELS:
        return None
    sent = outbound.contact_send(
        subject=subject_from_request(request),
        patient_id=task.patient_id,
        channel=task.channel,
        kind="new-message",
    )
    if sent.status == "sent":
        return f"Message sent; the patient was told by {task.channel.upper()}."
    words = " ".join(describe(code).message for code in sent.reasons)
    return f"Message sent in the portal; no {task.channel.upper()} notice: {words}"


@login_required
@require_POST
@gated(action="update")
def task_reassign(request: HttpRequest, task_id: str) -> HttpResponse:
    form = ReassignForm(request.POST)

    def act(task: Task) -> str:
        if role_of(request) not in BOARD_ROLES:
            raise PermissionDenied("Only supervisors reassign tasks.")
        if not form.is_valid():
            raise ValidationError("Choose an assistant.")
        membership = (
            Membership.objects.current()
            .filter(user_id=form.cleaned_data["worker"], team=task.team, role=Role.VMA)
            .select_related("user", "team")
            .first()
        )
        if membership is None:
            raise ValidationError("Choose an assistant of the task's team.")
        routing.reassign(task=task, worker_membership=membership, actor=request.user)  # type: ignore[arg-type]
        return f"Reassigned to {membership.user.full_name}."

    return _act(request, task_id, act)
