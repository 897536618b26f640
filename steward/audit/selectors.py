"""Reads of the audit trail, always scoped to one organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet

from steward.accounts.models import User
from steward.audit.models import AuditEvent, AuditPending, Checkpoint, Outcome
from steward.tenancy.models import Organization


def _microseconds(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


@dataclass(frozen=True)
class AuditFilter:
    patient_id: uuid.UUID | None = None
    actor_email: str = ""
    event: str = ""
    outcome: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    break_glass: bool | None = None


def _about(organization: Organization) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        Q(tenant_id=organization.pk) | Q(actor_organization_id=organization.pk)
    )


def with_actors(events: list[AuditEvent]) -> list[AuditEvent]:
    """Attach each event's acting user (``event.actor_user``) in one query."""
    users = {
        u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})
    }
    for event in events:
        event.actor_user = users.get(event.actor_id)  # type: ignore[attr-defined]
    return events


def event_list(*, organization: Organization, criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """Events about ``organization`` or done by its people, newest first."""
    events = _about(organization)
    if criteria.patient_id:
        events = events.filter(patient_id=criteria.patient_id)
    if criteria.actor_email:
        actor_ids = User.objects.filter(email__iexact=criteria.actor_email.strip()).values("pk")
        events = events.filter(actor_id__in=actor_ids)
    if criteria.event:
        events = events.filter(event__startswith=criteria.event)
    if criteria.outcome:
        events = events.filter(outcome=criteria.outcome)
    if criteria.since:
        events = events.filter(occurred_us__gte=_microseconds(criteria.since))
    if criteria.until:
        events = events.filter(occurred_us__lt=_microseconds(criteria.until))
    if criteria.break_glass is not None:
        events = events.filter(break_glass=criteria.break_glass)
    return events.order_by("-occurred_us", "-sequence")


def event_get(*, organization: Organization, event_id: object) -> AuditEvent | None:
    try:
        wanted = uuid.UUID(str(event_id))
    except ValueError:
        return None
    found = _about(organization).filter(event_id=wanted).first()
    return with_actors([found])[0] if found else None


def event_names(*, organization: Organization) -> list[str]:
    names = _about(organization).values_list("event", flat=True).distinct()
    return sorted(set(names))


@dataclass(frozen=True)
class SealStatus:
    tree_size: int
    last_checkpoint_at: dt.datetime | None
    pending: int
    oldest_pending_seconds: float
    recent_max_lag_ms: int
    recent_average_lag_ms: float


def seal_status() -> SealStatus:
    import time

    latest = Checkpoint.objects.order_by("-tree_size").first()
    pending = AuditPending.objects.aggregate(oldest=Min("event__occurred_us"))
    recent = list(
        Checkpoint.objects.order_by("-tree_size").values_list("max_lag_ms", flat=True)[:100]
    )
    oldest = pending["oldest"]
    return SealStatus(
        tree_size=latest.tree_size if latest else 0,
        last_checkpoint_at=latest.created_at if latest else None,
        pending=AuditPending.objects.count(),
        oldest_pending_seconds=(time.time_ns() // 1000 - oldest) / 1e6 if oldest else 0.0,
        recent_max_lag_ms=max(recent, default=0),
        recent_average_lag_ms=sum(recent) / len(recent) if recent else 0.0,
    )


def latest_checkpoint_time() -> dt.datetime | None:
    return Checkpoint.objects.aggregate(latest=Max("created_at"))["latest"]


@dataclass(frozen=True)
class TrailSummary:
    by_outcome: list[tuple[str, int]]
    break_glass: int
    status: SealStatus


def trail_summary(*, organization: Organization, days: int = 30) -> TrailSummary:
    """Counts for a dashboard: the last ``days`` of events, and the sealer's health."""
    import time

    since = time.time_ns() // 1000 - days * 86_400_000_000
    recent = _about(organization).filter(occurred_us__gte=since)
    counts = dict(
        recent.values_list("outcome").annotate(n=Count("sequence")).values_list("outcome", "n")
    )
    labels = dict(Outcome.choices)
    return TrailSummary(
        by_outcome=[(labels[o], counts.get(o, 0)) for o in labels],
        break_glass=recent.filter(break_glass=True).count(),
        status=seal_status(),
    )


PATIENT_VISIBLE_EVENTS = ("patient.", "break-glass.", "disclosure.")


def events_about_patient(*, patient_id: uuid.UUID) -> QuerySet[AuditEvent]:
    """Accesses to one patient's record, newest first, for the patient's own access log."""
    about = Q()
    for prefix in PATIENT_VISIBLE_EVENTS:
        about |= Q(event__startswith=prefix)
    return AuditEvent.objects.filter(about, patient_id=patient_id).order_by(
        "-occurred_us", "-sequence"
    )


def organizations_by_id(ids: set[object]) -> dict[object, Organization]:
    return {o.pk: o for o in Organization.objects.filter(pk__in={i for i in ids if i})}
