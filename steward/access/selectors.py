"""Reads for the gate's pages: purposes, emergency-access reviews."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from steward.access.models import BreakGlassReview, CorrectiveAction, PurposeOfUse, ReviewStatus
from steward.vault.fields import PATIENT_FIELDS


def purpose_choices(role: str | None, *, emergency: bool = False) -> list[tuple[str, str]]:
    return [
        (p.code, p.name)
        for p in PurposeOfUse.objects.filter(is_active=True)
        if (role in p.roles and not p.emergency_only) or (emergency and p.emergency_only)
    ]


def break_glass_roles() -> list[str]:
    return list(settings.STEWARD_BREAK_GLASS_ROLES)


def purpose_table() -> list[dict[str, Any]]:
    return [
        {
            "purpose": purpose,
            "fields": [
                PATIENT_FIELDS[name].label for name in PATIENT_FIELDS if name in purpose.fields
            ],
            "roles": ", ".join(purpose.roles)
            if not purpose.emergency_only
            else ", ".join(settings.STEWARD_BREAK_GLASS_ROLES) + " (break-glass only)",
        }
        for purpose in PurposeOfUse.objects.all()
    ]


def review_report(*, tenant: Any) -> dict[str, Any]:
    reviews = BreakGlassReview.objects.filter(tenant=tenant).select_related(
        "grant__user", "reviewer"
    )
    now = timezone.now()
    open_reviews = list(reviews.filter(status=ReviewStatus.OPEN).order_by("due_at"))
    return {
        "open": [r for r in open_reviews if r.due_at >= now],
        "overdue": [r for r in open_reviews if r.due_at < now],
        "closed": list(reviews.exclude(status=ReviewStatus.OPEN).order_by("-reviewed_at")[:50]),
        "corrective_actions": list(
            CorrectiveAction.objects.filter(tenant=tenant, closed_at__isnull=True).select_related(
                "subject_user"
            )
        ),
    }


def review_get(*, tenant: Any, review_id: object) -> BreakGlassReview:
    try:
        wanted = uuid.UUID(str(review_id))
    except ValueError:
        raise Http404("No such review.") from None
    found = (
        BreakGlassReview.objects.filter(tenant=tenant, pk=wanted)
        .select_related("grant__user")
        .first()
    )
    if found is None:
        raise Http404("No such review.")
    return found


def open_review_count(*, tenant: Any) -> int:
    return BreakGlassReview.objects.filter(tenant=tenant, status=ReviewStatus.OPEN).count()
