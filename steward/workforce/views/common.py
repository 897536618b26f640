"""Who may do what on the workforce pages, and the look-ups they share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from steward.accounts.models import User
from steward.tenancy.models import Membership, Organization
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role

# Everyone at the vendor has "My compliance"; these sets open the rest.
TRAINERS = frozenset({Role.TRAINER, Role.BPO_ADMIN})
COMPLIANCE = frozenset({Role.COMPLIANCE_OFFICER, Role.BPO_ADMIN})
ADJUDICATORS = frozenset({Role.COMPLIANCE_OFFICER})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.BPO_ADMIN})
# Read-only oversight of the vendor's workforce records.
OVERSEERS = COMPLIANCE | {Role.AUDITOR}
RESULT_READERS = SUPERVISORS | TRAINERS | OVERSEERS


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user


def vendor_membership(request: HttpRequest, roles: frozenset[str] | None = None) -> Membership:
    """The asker's membership of a vendor, if their role is in ``roles`` (any role if None)."""
    membership = active_membership(request)
    if membership.organization.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        raise PermissionDenied("Workforce pages are for the vendor's people.")
    if roles is not None and membership.role not in roles:
        raise PermissionDenied("Your role does not open this page.")
    return membership


def vendor_of(request: HttpRequest, roles: frozenset[str] | None = None) -> Organization:
    return vendor_membership(request, roles).organization


def object_in_vendor(queryset: QuerySet[Any], vendor: Organization, pk: Any, **path: Any) -> Model:
    """One row of the asker's vendor; the same 404 for "missing" and "another vendor's"."""
    lookup = path.pop("tenant_path", "tenant")
    try:
        return queryset.get(pk=pk, **{lookup: vendor}, **path)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def supervised_user_ids(membership: Membership) -> set[Any]:
    """The workers a supervisor answers for (their teams); an admin answers for everyone."""
    people = Membership.objects.current().filter(organization=membership.organization)
    if membership.role == Role.SUPERVISOR:
        people = people.filter(team__supervisor=membership.user)
    return set(people.values_list("user_id", flat=True))
