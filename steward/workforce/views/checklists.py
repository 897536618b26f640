"""Workforce pages: onboarding and offboarding checklists. The compliance staff start them
and offboard; supervisors follow (and tick) their own team's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from steward.core.forms import submit
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Membership
from steward.workforce.forms.checklists import ChecklistFilterForm, OffboardForm, TickForm
from steward.workforce.models import Checklist, ChecklistItem, ChecklistKind
from steward.workforce.services import checklists as services
from steward.workforce.views.common import (
    COMPLIANCE,
    SUPERVISORS,
    object_in_vendor,
    user_of,
    vendor_membership,
    vendor_of,
)

READERS = COMPLIANCE | SUPERVISORS


def _visible(membership: Membership) -> QuerySet[Checklist]:
    """The asker's vendor's checklists; a supervisor sees only their teams' workers'."""
    checklists = Checklist.objects.filter(tenant=membership.organization)
    if membership.role not in COMPLIANCE:
        checklists = checklists.filter(membership__team__supervisor=membership.user)
    return checklists


def _without_onboarding(membership: Membership) -> QuerySet[Membership]:
    started = Checklist.objects.filter(
        tenant=membership.organization, kind=ChecklistKind.ONBOARDING
    ).values("membership_id")
    return (
        Membership.objects.current()
        .filter(organization=membership.organization)
        .exclude(pk__in=started)
        .select_related("user", "team")
        .order_by("user__full_name")
    )


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    filters = ChecklistFilterForm(request.GET or None)
    checklists = _visible(membership).select_related("membership__user", "membership__team")
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            checklists = checklists.filter(kind=filters.cleaned_data["kind"])
        state = filters.cleaned_data["state"]
        if state:
            checklists = checklists.filter(completed_at__isnull=state == "open")
    checklists = checklists.annotate(
        done=Count("items", filter=Q(items__done_at__isnull=False)), total=Count("items")
    ).order_by("-created_at")
    can_manage = membership.role in COMPLIANCE
    return render(
        request,
        "workforce/checklists/list.html",
        {
            "filters": filters,
            "page": paginate(request, checklists),
            "query": query_without_page(request),
            "can_manage": can_manage,
            "to_onboard": _without_onboarding(membership) if can_manage else [],
        },
    )


@login_required
def checklist_detail(request: HttpRequest, checklist_id: str) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    checklist = object_in_vendor(
        _visible(membership).select_related("membership__user", "membership__team", "started_by"),
        membership.organization,
        checklist_id,
    )
    assert isinstance(checklist, Checklist)  # noqa: S101 - the queryset's model
    if checklist.kind == ChecklistKind.ONBOARDING:
        # The live steps show today's facts, not the ones of the last visit.
        checklist = services.checklist_refresh(checklist=checklist)
    return render(
        request,
        "workforce/checklists/detail.html",
        {
            "checklist": checklist,
            "worker": checklist.membership.user,
            "items": checklist.items.select_related("done_by").order_by("position"),
            "tick_form": TickForm(),
            "can_offboard": membership.role in COMPLIANCE
            and checklist.membership.is_active
            and checklist.membership.user_id != membership.user_id,
        },
    )


@login_required
@require_POST
def checklist_tick(request: HttpRequest, item_id: int) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    item = object_in_vendor(
        ChecklistItem.objects.filter(checklist__in=_visible(membership)),
        membership.organization,
        item_id,
        tenant_path="checklist__tenant",
    )
    assert isinstance(item, ChecklistItem)  # noqa: S101 - the queryset's model
    form = TickForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Keep the note under 300 characters.")
        services.checklist_item_tick(
            item=item, actor=user_of(request), note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Ticked: {item.label}.")
    return redirect("workforce:checklist", checklist_id=item.checklist_id)


def _member(request: HttpRequest, membership_id: str) -> Membership:
    vendor = vendor_of(request, COMPLIANCE)
    member = object_in_vendor(
        Membership.objects.select_related("user", "organization", "team"),
        vendor,
        membership_id,
        tenant_path="organization",
    )
    assert isinstance(member, Membership)  # noqa: S101 - the queryset's model
    return member


@login_required
@require_POST
def onboarding_start(request: HttpRequest, membership_id: str) -> HttpResponse:
    member = _member(request, membership_id)
    try:
        checklist = services.onboarding_start(membership=member, actor=user_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workforce:checklists")
    messages.success(request, f"Onboarding of {member.user.full_name} started.")
    return redirect("workforce:checklist", checklist_id=checklist.pk)


@login_required
def offboard(request: HttpRequest, membership_id: str) -> HttpResponse:
    member = _member(request, membership_id)
    form = OffboardForm(request.POST or None)
    checklist = submit(
        form,
        lambda f: services.worker_offboard(
            membership=member, actor=user_of(request), reason=f.cleaned_data["reason"]
        ),
    )
    if checklist is not None:
        messages.success(
            request, f"{member.user.full_name} is offboarded: their access ended at once."
        )
        return redirect("workforce:checklist", checklist_id=checklist.pk)
    return render(
        request,
        "workforce/checklists/offboard.html",
        {
            "member": member,
            "form": form,
            "preview": services.offboarding_preview(membership=member),
            "is_self": member.user_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("checklists/", checklist_list, name="checklists"),
    path("checklists/<uuid:checklist_id>/", checklist_detail, name="checklist"),
    path("checklists/items/<int:item_id>/tick/", checklist_tick, name="checklist-tick"),
    path("checklists/onboard/<uuid:membership_id>/", onboarding_start, name="onboarding-start"),
    path("checklists/offboard/<uuid:membership_id>/", offboard, name="offboard"),
]
