"""Work pages: the assistant's workspace and task page, the supervisor's board and SLA
figures, task creation by practice staff. Patient data on them comes only through the gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from steward.access import display, gate
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.access.views import denied
from steward.accounts.models import User
from steward.consent import outbound
from steward.core.charts import bars
from steward.core.forms import errors_to_form
from steward.core.pagination import paginate, query_without_page
from steward.core.reasons import describe
from steward.tenancy.models import Membership, Organization, Team
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role
from steward.work import routing, selectors, services
from steward.work.forms import (
    CancelForm,
    EscalateForm,
    MessageForm,
    ReassignForm,
    StepForm,
    TaskForm,
    WaitForm,
)
from steward.work.models import Source, Task, TaskStatus, TaskType

PRACTICE_STAFF = frozenset({Role.CLIENT_ADMIN, Role.PRACTITIONER})
BOARD_ROLES = frozenset({Role.SUPERVISOR, Role.BPO_ADMIN})


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires sign-in)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user


def _role(request: HttpRequest) -> str:
    return str(active_membership(request).role)


def _supervised_teams(request: HttpRequest) -> list[Team]:
    membership = active_membership(request)
    if membership.role == Role.BPO_ADMIN:
        return list(Team.objects.filter(organization=membership.organization))
    if membership.role == Role.SUPERVISOR:
        return list(
            Team.objects.filter(organization=membership.organization, supervisor=_user(request))
        )
    raise PermissionDenied("The board is for supervisors and the vendor's administrator.")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if _role(request) != Role.VMA:
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
        },
    )


@login_required
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    if _role(request) != Role.VMA:
        raise PermissionDenied("Only assistants take tasks from the queue.")
    task = routing.next_task(membership=active_membership(request))
    if task is None:
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
    role = _role(request)
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
    workers: QuerySet[Membership] | list[Membership] = []
    if _role(request) in BOARD_ROLES and task.team is not None and task.is_open:
        workers = Membership.objects.current().filter(team=task.team, role=Role.VMA)
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
        services.resume(task=task, actor=_user(request))
        return "Back in progress: the clocks run again."

    return _act(request, task_id, act)


@login_required
@require_POST
@gated(action="update")
def task_resolve(request: HttpRequest, task_id: str) -> HttpResponse:
    def act(task: Task) -> str:
        services.resolve(task=task, actor=_user(request))
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
        if _role(request) not in PRACTICE_STAFF | BOARD_ROLES:
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
        if _role(request) not in BOARD_ROLES:
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


@login_required
def board(request: HttpRequest) -> HttpResponse:
    teams = _supervised_teams(request)
    status = request.GET.get("status", "")
    task_type = request.GET.get("type", "")
    only = request.GET.get("only", "")
    found = selectors.board(teams, status=status, task_type=task_type, only=only)
    page = paginate(request, found)
    rows = [{"task": t, "clocks": selectors.clocks(t)} for t in page.object_list]
    return render(
        request,
        "work/board.html",
        {
            "teams": teams,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "status": status,
            "type": task_type,
            "only": only,
            "statuses": [
                (s.value, s.label)
                for s in TaskStatus
                if s.value
                in ("queued", "assigned", "in-progress", "waiting-patient", "waiting-clinic")
            ],
            "types": TaskType.objects.filter(team__in=teams).values_list("code", "name").distinct(),
            "breached": selectors.board(teams, only="breached").count(),
            "at_risk": selectors.board(teams, only="at-risk").count(),
            "queued": selectors.board(teams, status="queued").count(),
        },
    )


@login_required
@require_POST
def distribute(request: HttpRequest, team_id: str) -> HttpResponse:
    teams = _supervised_teams(request)
    team = next((t for t in teams if str(t.pk) == str(team_id)), None)
    if team is None:
        raise PermissionDenied("You do not supervise that team.")
    count = routing.distribute(team=team, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{count} task{'s' if count != 1 else ''} assigned.")
    return redirect("work:board")


@login_required
def sla(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership.role in BOARD_ROLES:
        tasks = Task.objects.filter(team__in=_supervised_teams(request))
    elif membership.role in PRACTICE_STAFF | {Role.PRIVACY_OFFICER}:
        tasks = Task.objects.filter(tenant=membership.organization)
    else:
        raise PermissionDenied("SLA figures are for supervisors and practice staff.")
    report = selectors.sla_report(tasks)
    weekly = selectors.weekly_on_time(tasks)
    return render(
        request,
        "work/sla.html",
        {
            "report": report,
            "weekly_bars": bars(weekly, top=100),
            "open": tasks.filter(status__in=("queued", "assigned", "in-progress")).count(),
        },
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
            purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(_role(request), ""),
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
                    purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(_role(request), ""),
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
            "can_edit": _role(request) == Role.CLIENT_ADMIN,
        },
    )


@login_required
def task_type_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    from steward.work.forms import protocol_text

    tenant = _practice(request)
    if _role(request) != Role.CLIENT_ADMIN:
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
                actor=_user(request),
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


@login_required
def assistants(request: HttpRequest) -> HttpResponse:
    from steward.work.forms import ProfileForm
    from steward.work.models import WorkerProfile

    teams = _supervised_teams(request)
    memberships = list(
        Membership.objects.current()
        .filter(team__in=teams, role=Role.VMA)
        .select_related("user", "team")
        .order_by("team__name", "user__full_name")
    )
    profiles = {
        p.membership_id: p for p in WorkerProfile.objects.filter(membership__in=memberships)
    }
    failed: dict[Any, Any] = {}
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            raise PermissionDenied("Choose an assistant of a team you supervise.")
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_save(membership=chosen, actor=_user(request), **form.cleaned_data)
            messages.success(request, f"{chosen.user.full_name}'s profile is saved.")
            return redirect("work:assistants")
        failed[chosen.pk] = form
    rows = []
    for m in memberships:
        profile = profiles.get(m.pk)
        form = failed.get(m.pk) or ProfileForm(
            initial={
                "languages": ", ".join(profile.languages) if profile else "",
                "skills": ", ".join(profile.skills) if profile else "",
                "max_open_tasks": profile.max_open_tasks if profile else 5,
            },
            prefix=None,
        )
        rows.append({"membership": m, "form": form, "load": routing.load_of(m.user)})
    return render(request, "work/assistants.html", {"rows": rows}, status=400 if failed else 200)
