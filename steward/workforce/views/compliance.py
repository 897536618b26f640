"""Workforce pages: a worker's own compliance, the supervisor's team matrix, the overview
for the compliance officer, and one worker's record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from steward.core.charts import bars
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Membership, Team
from steward.tenancy.roles import Role
from steward.workforce import clearance, selectors
from steward.workforce.models import (
    AccessReviewCampaign,
    QuizAttempt,
    ScenarioAttempt,
    ScreeningCheck,
    ScreeningStatus,
    TrainingAssignment,
)
from steward.workforce.views.common import (
    COMPLIANCE,
    OVERSEERS,
    RESULT_READERS,
    SUPERVISORS,
    supervised_user_ids,
    user_of,
    vendor_membership,
)

MATRIX_READERS = SUPERVISORS | OVERSEERS


@login_required
def me(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request)
    result = clearance.clearance_for(membership)
    areas = [
        (label, [r for r in result.requirements if r.area == area])
        for area, label in (
            ("membership", "Membership"),
            ("screening", "Background screening"),
            ("training", "Training"),
            ("policy", "Policies"),
        )
    ]
    return render(
        request,
        "workforce/me.html",
        {
            "membership": membership,
            "result": result,
            "areas": [(label, items) for label, items in areas if items],
            "attempts": QuizAttempt.objects.filter(assignment__worker=user_of(request))
            .select_related("assignment__course")
            .order_by("-started_at")[:10],
        },
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request, MATRIX_READERS)
    vendor = membership.organization
    user_ids = supervised_user_ids(membership) if membership.role == Role.SUPERVISOR else None
    people = selectors.workers(vendor, user_ids=user_ids)
    teams = Team.objects.filter(organization=vendor)
    if user_ids is not None:
        # A supervisor chooses among the teams of the people they supervise.
        teams = teams.filter(pk__in=people.values("team_id"))
    team_id = request.GET.get("team", "")
    if team_id:
        people = (
            people.filter(team_id=team_id)
            if team_id in {str(t.pk) for t in teams}
            else people.none()
        )
    everyone = list(people)
    today = vendor.local_today()
    loaded = selectors.standing(vendor, everyone)
    cols, rows = selectors.matrix(loaded, today)
    show = request.GET.get("show", "")
    if show == "blocked":
        rows = [row for row in rows if not row.clearance.cleared]
    cleared = sum(row.clearance.cleared for row in rows)
    return render(
        request,
        "workforce/team.html",
        {
            "columns": cols,
            "page": paginate(request, rows, per_page=50),
            "query": query_without_page(request),
            "teams": teams,
            "team_id": team_id,
            "show": show,
            "cleared": cleared,
            "total": len(rows),
            "history": bars(selectors.cleared_share_over_time(loaded, today=today), top=100),
            "reasons": bars(selectors.blocking_reasons(rows)),
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request, OVERSEERS)
    vendor = membership.organization
    today = vendor.local_today()
    people = list(selectors.workers(vendor))
    loaded = selectors.standing(vendor, people)
    _cols, rows = selectors.matrix(loaded, today)
    return render(
        request,
        "workforce/home.html",
        {
            "no_requirements": loaded.requirements.empty,
            "total": len(rows),
            "cleared": sum(row.clearance.cleared for row in rows),
            "reasons": bars(selectors.blocking_reasons(rows)),
            "history": bars(selectors.cleared_share_over_time(loaded, today=today), top=100),
            "to_adjudicate": ScreeningCheck.objects.filter(
                tenant=vendor,
                status__in=(ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE),
                adjudication="",
            ).count(),
            "overdue": TrainingAssignment.objects.filter(
                tenant=vendor,
                completed_at__isnull=True,
                superseded_at__isnull=True,
                due_on__lt=today,
            ).count(),
            "campaign": AccessReviewCampaign.objects.filter(
                tenant=vendor, closed_at__isnull=True
            ).first(),
            "can_act": membership.role in COMPLIANCE,
        },
    )


@login_required
def worker(request: HttpRequest, user_id: str) -> HttpResponse:
    asker = vendor_membership(request, RESULT_READERS)
    vendor = asker.organization
    try:
        subject = (
            Membership.objects.filter(organization=vendor, user_id=user_id)
            .exclude(role=Role.PATIENT)
            .select_related("user", "team", "organization")
            .order_by("-is_active", "-valid_from")
            .first()
        )
    except (ValueError, TypeError):
        subject = None
    if subject is None:
        raise Http404("No such worker.")
    if asker.role == Role.SUPERVISOR and subject.user_id not in supervised_user_ids(asker):
        raise Http404("No such worker.")
    if asker.role == Role.TRAINER and subject.user_id == user_of(request).pk:
        raise PermissionDenied("Your own record is on “My compliance”.")
    return render(
        request,
        "workforce/worker.html",
        {
            "subject": subject,
            "result": clearance.clearance_for(subject),
            "assignments": TrainingAssignment.objects.filter(tenant=vendor, worker=subject.user)
            .select_related("course", "version")
            .order_by("-assigned_on")[:50],
            # Screening results (an adverse criminal record…) are for the compliance staff
            # and auditors; a supervisor or trainer sees only the clearance states above.
            "checks": ScreeningCheck.objects.filter(tenant=vendor, worker=subject.user).order_by(
                "kind", "-invited_on"
            )
            if asker.role in OVERSEERS
            else None,
            "scenario_attempts": ScenarioAttempt.objects.filter(
                scenario__tenant=vendor, worker=subject.user
            )
            .select_related("scenario", "variant")
            .order_by("-created_at")[:20],
            "can_offboard": asker.role in COMPLIANCE and subject.is_active,
        },
    )


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("me/", me, name="me"),
    path("team/", team, name="team"),
    path("workers/<uuid:user_id>/", worker, name="worker"),
]
