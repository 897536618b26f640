"""The gate's rules about who belongs where: memberships, agreements, the operator.

Registered with the gate's rule registry (``steward.core.policy``) at start-up.
"""

from __future__ import annotations

from steward.core.policy import AccessRequest, Deny, Outcome, Permit, register
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Organization
from steward.tenancy.roles import OrganizationKind, Role


class RelationshipRule:
    """The subject's organisation is the patient's practice, or a vendor whose BAA with it is
    in force today (an expired or terminated agreement cuts access at once)."""

    name = "tenancy.relationship"

    def evaluate(self, request: AccessRequest) -> Outcome:
        subject = request.subject
        if not getattr(subject.user, "is_active", False):
            return Deny(("account-deactivated",))
        if subject.role == Role.PLATFORM_OPERATOR:
            return Deny(("operator-no-phi",))
        organization = subject.organization
        if organization is None or request.tenant is None:
            return Deny(("no-relationship",))
        if organization.pk == request.tenant.pk:
            return Permit()
        return self._as_vendor(organization, request.tenant)

    @staticmethod
    def _as_vendor(organization: Organization, tenant: Organization) -> Outcome:
        if organization.kind != OrganizationKind.BUSINESS_ASSOCIATE:
            return Deny(("no-relationship",))
        agreements = BusinessAssociateAgreement.objects.filter(
            covered_entity=tenant,
            business_associate=organization,
            status=AgreementStatus.ACTIVE,
        ).select_related("covered_entity")
        if any(agreement.in_force() for agreement in agreements):
            return Permit()
        return Deny(("baa-not-in-force",))


def register_rules() -> None:
    register(RelationshipRule())
