"""Practice-wide reads of consent: the choices in force, and figures for the dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from steward.consent.models import (
    ConsentRecord,
    Decision,
    MessageStatus,
    OutboundMessage,
    Provision,
    ReconsentCampaign,
)
from steward.consent.state import policies_for


def latest_decisions(tenant: Any) -> dict[tuple[Any, str], tuple[str, int]]:
    """(patient id, purpose code) → (decision, notice version) of the consent in force.

    One pass over the practice's records in order (they are append-only, so the last seen
    per pair is the one in force)."""
    latest: dict[tuple[Any, str], tuple[str, int]] = {}
    records = (
        ConsentRecord.objects.filter(tenant=tenant, provision=Provision.CONSENT)
        .order_by("created_at", "id")
        .values_list("patient_id", "purpose_id", "decision", "notice__version")
    )
    for patient_id, purpose_id, decision, version in records.iterator(chunk_size=2000):
        latest[(patient_id, purpose_id)] = (decision, version)
    return latest


def summary(tenant: Any) -> dict[str, Any]:
    """Granted / declined / withdrawn per purpose that needs consent; blocked messages in the
    last 30 days; re-consent campaigns still in their grace period."""
    required = [p.purpose for p in policies_for(tenant) if p.consent_required]
    counts: Counter[tuple[str, str]] = Counter(
        (purpose, decision)
        for (_patient, purpose), (decision, _v) in latest_decisions(tenant).items()
    )
    since = timezone.now() - dt.timedelta(days=30)
    return {
        "granted": [(p.name, counts[(p.code, Decision.GRANTED)]) for p in required],
        "refused": [
            (
                p.name,
                counts[(p.code, Decision.DENIED)] + counts[(p.code, Decision.WITHDRAWN)],
            )
            for p in required
        ],
        "blocked_messages": OutboundMessage.objects.filter(
            tenant=tenant, status=MessageStatus.BLOCKED, created_at__gte=since
        ).count(),
        "open_campaigns": list(
            ReconsentCampaign.objects.filter(tenant=tenant, grace_ends_at__gt=timezone.now())
            .select_related("notice")
            .order_by("-created_at")
        ),
    }
