"""What every workforce record shares: the vendor it belongs to and the roles a rule names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from steward.tenancy.roles import ROLES_BY_KIND, OrganizationKind

# The vendor's people are the workforce these records govern.
WORKFORCE_ROLES = ROLES_BY_KIND[OrganizationKind.BUSINESS_ASSOCIATE]


def validate_roles(value: Any) -> None:
    """A requirement names a non-empty list of the vendor's roles."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Name at least one role this applies to.")
    unknown = sorted(set(map(str, value)) - set(WORKFORCE_ROLES))
    if unknown:
        raise ValidationError(f"Not a vendor role: {', '.join(unknown)}.")
