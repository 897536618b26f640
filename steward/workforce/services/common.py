"""What the workforce services share: their audit events and the vendor a worker belongs to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from steward.accounts.models import User
from steward.audit.services import event_record
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import OrganizationKind


def record(
    action: str,
    *,
    actor: User | None,
    tenant: Organization | Any,
    entity: Any,
    **detail: Any,
) -> None:
    """One ``workforce.<action>`` audit event, in the caller's transaction (ids and codes only)."""
    event_record(
        event=f"workforce.{action}",
        actor=actor,
        tenant=tenant,
        entity_type=type(entity).__name__.lower(),
        entity_id=str(entity.pk),
        detail={key: str(value) if value is not None else None for key, value in detail.items()},
    )


def vendor_membership(*, worker: User, tenant: Organization) -> Membership:
    """The worker's active membership of the vendor ``tenant``; a clear error otherwise."""
    if tenant.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        raise ValidationError("Workforce records belong to a vendor (business associate).")
    membership = Membership.objects.filter(user=worker, organization=tenant, is_active=True).first()
    if membership is None:
        raise ValidationError(f"{worker} is not an active member of {tenant}.")
    return membership
