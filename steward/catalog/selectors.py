"""Reading catalogues: the practice's current version, and the commitments work is held to."""

from __future__ import annotations

from typing import Any

from steward.catalog.models import Catalogue, CatalogueStatus, ResponseTarget


def current(tenant: Any) -> Catalogue | None:
    return (
        Catalogue.objects.filter(tenant=tenant, status=CatalogueStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def with_services(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with its services and their targets loaded, for rendering."""
    return (
        Catalogue.objects.filter(pk=catalogue.pk)
        .prefetch_related("services__targets")
        .select_related("tenant", "published_by")
        .get()
    )


def response_target(
    tenant: Any, *, service: str, channel: str, priority: str
) -> ResponseTarget | None:
    """The current commitment for ``service`` on ``channel`` at ``priority`` (None: none made).

    This is what the work queue measures first responses and resolutions against."""
    catalogue = current(tenant)
    if catalogue is None:
        return None
    return ResponseTarget.objects.filter(
        service__catalogue=catalogue,
        service__name=service,
        channel=channel,
        priority=priority,
    ).first()
