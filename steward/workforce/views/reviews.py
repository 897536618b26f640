"""Workforce pages: access review campaigns, their items and decisions, and the report."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from steward.core.charts import bars
from steward.core.forms import submit
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Membership
from steward.tenancy.roles import Role
from steward.workforce.forms.reviews import CampaignForm, DecisionForm
from steward.workforce.models import AccessReviewCampaign, AccessReviewItem, ReviewDecision
from steward.workforce.services import reviews as services
from steward.workforce.templatetags.workforce import flag_label
from steward.workforce.views.common import (
    COMPLIANCE,
    OVERSEERS,
    SUPERVISORS,
    object_in_vendor,
    user_of,
    vendor_membership,
)

READERS = OVERSEERS | SUPERVISORS
DECIDERS = COMPLIANCE | SUPERVISORS
DECISION_FILTERS = [
    ("pending", "Pending"),
    ("escalate", "Escalated"),
    ("approve", "Approved"),
    ("revoke", "Revoked by a reviewer"),
    ("automatic", "Revoked at the deadline"),
]


def _campaigns(vendor: Any) -> QuerySet[AccessReviewCampaign]:
    return AccessReviewCampaign.objects.filter(tenant=vendor)


def _campaign_in(vendor: Any, campaign_id: str) -> AccessReviewCampaign:
    """The vendor's campaign; the same 404 for a missing one and another vendor's."""
    campaign = object_in_vendor(_campaigns(vendor).select_related("tenant"), vendor, campaign_id)
    assert isinstance(campaign, AccessReviewCampaign)  # noqa: S101 - the queryset's model
    return campaign


def _visible_items(membership: Membership) -> QuerySet[AccessReviewItem]:
    """The items the asker may see: a supervisor only those they review."""
    items = AccessReviewItem.objects.filter(campaign__tenant=membership.organization)
    if membership.role == Role.SUPERVISOR:
        items = items.filter(reviewer=membership.user)
    return items


def _list_page(request: HttpRequest, *, form: CampaignForm | None = None) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    user = user_of(request)
    campaigns = (
        _campaigns(membership.organization)
        .annotate(
            total=Count("items"),
            decided=Count(
                "items", filter=Q(items__decision__in=services.FINAL, items__automatic=False)
            ),
            automatic=Count("items", filter=Q(items__automatic=True)),
            mine=Count(
                "items",
                filter=Q(items__reviewer=user, items__decision__in=services.UNDECIDED),
            ),
        )
        .order_by("-opened_on", "-created_at")
    )
    page = paginate(request, campaigns)
    may_open = membership.role in COMPLIANCE
    return render(
        request,
        "workforce/reviews/list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "form": form or (CampaignForm() if may_open else None),
            "may_open": may_open,
            "every_days": settings.STEWARD_ACCESS_REVIEW_EVERY_DAYS,
        },
        status=400 if form is not None else 200,
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@login_required
@require_POST
def campaign_open(request: HttpRequest) -> HttpResponse:
    vendor = vendor_membership(request, COMPLIANCE).organization
    form = CampaignForm(request.POST)
    campaign = submit(
        form,
        lambda f: services.review_campaign_open(
            tenant=vendor,
            actor=user_of(request),
            name=f.cleaned_data["name"],
            deadline=f.cleaned_data["deadline"],
        ),
    )
    if campaign is not None:
        deadline = f"{campaign.deadline.day} {campaign.deadline:%b %Y}"
        messages.success(request, f"“{campaign.name}” is open until {deadline}.")
        return redirect("workforce:review", campaign_id=campaign.pk)
    return _list_page(request, form=form)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: str) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    campaign = _campaign_in(membership.organization, campaign_id)
    items = (
        _visible_items(membership)
        .filter(campaign=campaign)
        .select_related("membership__user", "reviewer")
        .order_by("membership__user__full_name", "pk")
    )
    decision = request.GET.get("decision", "")
    if decision == "automatic":
        items = items.filter(automatic=True)
    elif decision in ReviewDecision.values:
        items = items.filter(decision=decision, automatic=False)
    flag = request.GET.get("flag", "")
    if flag in services.FLAGS:
        # JSON "contains" is not portable to SQLite, so match the flag's quoted code.
        items = items.filter(flags__icontains=f'"{flag}"')
    mine = request.GET.get("mine") == "1"
    if mine:
        items = items.filter(reviewer=membership.user)
    page = paginate(request, items)
    return render(
        request,
        "workforce/reviews/campaign.html",
        {
            "campaign": campaign,
            "page": page,
            "query": query_without_page(request),
            "decision": decision,
            "flag": flag,
            "mine": mine,
            "decisions": DECISION_FILTERS,
            "flags": services.FLAGS,
            "may_report": membership.role in OVERSEERS,
        },
    )


def _item_for(membership: Membership, item_id: str) -> AccessReviewItem:
    item = object_in_vendor(
        _visible_items(membership).select_related(
            "campaign__tenant", "membership__user", "reviewer", "decided_by"
        ),
        membership.organization,
        item_id,
        tenant_path="campaign__tenant",
    )
    assert isinstance(item, AccessReviewItem)  # noqa: S101 - the queryset's model
    return item


def _item_page(
    request: HttpRequest,
    membership: Membership,
    item: AccessReviewItem,
    *,
    form: DecisionForm | None = None,
) -> HttpResponse:
    user = membership.user
    may_decide = (
        item.campaign.is_open
        and item.decision in services.UNDECIDED
        and item.membership.user_id != user.pk
        and (item.reviewer_id == user.pk or membership.role in services.DECIDERS)
    )
    return render(
        request,
        "workforce/reviews/item.html",
        {
            "item": item,
            "flags": [(code, services.FLAGS.get(code, code)) for code in item.flags],
            "history": item.history.select_related("decided_by"),
            "form": (form or DecisionForm()) if may_decide else None,
            # A refused decision on an item that can no longer be decided still says why.
            "refusal": form.non_field_errors() if form is not None and not may_decide else [],
        },
        status=400 if form is not None else 200,
    )


@login_required
def item_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    return _item_page(request, membership, _item_for(membership, item_id))


@login_required
@require_POST
def item_decide(request: HttpRequest, item_id: str) -> HttpResponse:
    membership = vendor_membership(request, DECIDERS)
    item = _item_for(membership, item_id)
    form = DecisionForm(request.POST)
    decided = submit(
        form,
        lambda f: services.review_decide(
            item=item,
            actor=user_of(request),
            decision=f.cleaned_data["decision"],
            note=f.cleaned_data["note"],
        ),
    )
    if decided is not None:
        done = {
            "approve": "access approved",
            "revoke": "access revoked",
            "escalate": "escalated to the compliance officer",
        }.get(decided.decision, decided.get_decision_display().lower())
        messages.success(request, f"{decided.membership.user}: {done}.")
        return redirect("workforce:review", campaign_id=decided.campaign_id)
    return _item_page(request, membership, item, form=form)


def _report_campaign(request: HttpRequest, campaign_id: str) -> AccessReviewCampaign:
    return _campaign_in(vendor_membership(request, OVERSEERS).organization, campaign_id)


@login_required
def campaign_report(request: HttpRequest, campaign_id: str) -> HttpResponse:
    report = services.review_report(campaign=_report_campaign(request, campaign_id))
    labels = {
        "automatic-revoke": "Revoked at the deadline",
        "revoke": "Revoked by a reviewer",
        "approve": "Approved",
        "escalate": "Escalated",
        "pending": "Pending",
    }
    return render(
        request,
        "workforce/reviews/report.html",
        {
            "report": report,
            "decision_bars": bars(
                (labels[code], count) for code, count in report["decisions"].items()
            ),
            "flag_bars": bars((flag_label(code), count) for code, count in report["flags"].items()),
        },
    )


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def campaign_report_csv(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = _report_campaign(request, campaign_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        (
            "Worker",
            "Email",
            "Role",
            "Team",
            "Clients",
            "Contract ends",
            "Flags",
            "Reviewer",
            "Decision",
            "Automatic",
            "Decided by",
            "Decided at",
            "Note",
        )
    )
    items = campaign.items.select_related("membership__user", "reviewer", "decided_by")
    for item in items.order_by("membership__user__full_name", "pk"):
        access = item.access or {}
        writer.writerow(
            _cell(value)
            for value in (
                item.membership.user.full_name,
                item.membership.user.email,
                access.get("role"),
                access.get("team"),
                "; ".join(access.get("clients") or []),
                access.get("valid_until"),
                " ".join(item.flags),
                item.reviewer,
                item.decision,
                "yes" if item.automatic else "no",
                item.decided_by,
                item.decided_at.isoformat() if item.decided_at else "",
                item.note,
            )
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="access-review-{campaign.pk}.csv"'
    return response


urlpatterns: list[URLPattern] = [
    path("reviews/", campaign_list, name="reviews"),
    path("reviews/open/", campaign_open, name="review-open"),
    path("reviews/<uuid:campaign_id>/", campaign_detail, name="review"),
    path("reviews/<uuid:campaign_id>/report/", campaign_report, name="review-report"),
    path("reviews/<uuid:campaign_id>/report.csv", campaign_report_csv, name="review-report-csv"),
    path("reviews/items/<uuid:item_id>/", item_detail, name="review-item"),
    path("reviews/items/<uuid:item_id>/decide/", item_decide, name="review-decide"),
]
