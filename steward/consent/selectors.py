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
from steward.consent.state import policies_for, stale_before


def latest_decisions(tenant: Any) -> dict[tuple[Any, str], tuple[str, int, Any]]:
    """(patient id, purpose code) → (decision, notice version, record id) of the choice in
    force.

    One pass over the practice's records in order (they are append-only, so the last seen
    per pair is the one in force)."""
    latest: dict[tuple[Any, str], tuple[str, int, Any]] = {}
    records = (
        ConsentRecord.objects.filter(tenant=tenant, provision=Provision.CONSENT)
        .order_by("created_at", "id")
        .values_list("patient_id", "purpose_id", "decision", "notice__version", "pk")
    )
    for patient_id, purpose_id, decision, version, pk in records.iterator(chunk_size=2000):
        latest[(patient_id, purpose_id)] = (decision, version, pk)
    return latest


def summary(tenant: Any) -> dict[str, Any]:
    """Per purpose that needs consent: consents in force (not expired, not stale) and
    refusals (declined or withdrawn); messages not sent for lack of consent in the last 30
    days; re-consent campaigns still in their grace period."""
    required = [p.purpose for p in policies_for(tenant) if p.consent_required]
    threshold = stale_before(tenant)
    now = timezone.now()
    expired = set(
        ConsentRecord.objects.filter(
            tenant=tenant, provision=Provision.CONSENT, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for (_patient, purpose), (decision, version, pk) in latest_decisions(tenant).items():
        lapsed = decision == Decision.GRANTED and (version < threshold or pk in expired)
        counts[(purpose, "lapsed" if lapsed else decision)] += 1
    blocked = OutboundMessage.objects.filter(
        tenant=tenant, status=MessageStatus.BLOCKED, created_at__gte=now - dt.timedelta(days=30)
    ).values_list("reasons", flat=True)
    return {
        "granted": [(p.name, counts[(p.code, Decision.GRANTED)]) for p in required],
        "refused": [
            (p.name, counts[(p.code, Decision.DENIED)] + counts[(p.code, Decision.WITHDRAWN)])
            for p in required
        ],
        "lapsed": sum(counts[(p.code, "lapsed")] for p in required),
        "blocked_messages": sum(
            1 for codes in blocked if any(code.startswith("consent-") for code in codes)
        ),
        "open_campaigns": list(
            ReconsentCampaign.objects.filter(tenant=tenant, grace_ends_at__gt=now)
            .select_related("notice")
            .order_by("-created_at")
        ),
    }
