"""The supervisor's pages: the queue board, distribution, SLA figures and assistants."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from steward.core.charts import bars
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Membership
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import Role
from steward.work import routing, selectors, services
from steward.work.models import Task, TaskStatus, TaskType
from steward.work.views.common import (
    BOARD_ROLES,
    PRACTICE_STAFF,
    supervised_teams,
    user_of,
)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    teams = supervised_teams(request)
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
    teams = supervised_teams(request)
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
        tasks = Task.objects.filter(team__in=supervised_teams(request))
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


@login_required
def assistants(request: HttpRequest) -> HttpResponse:
    from steward.work.forms import ProfileForm
    from steward.work.models import WorkerProfile

    teams = supervised_teams(request)
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
            services.profile_save(membership=chosen, actor=user_of(request), **form.cleaned_data)
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
