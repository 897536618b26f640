"""The clearance rule: the vendor's people touch PHI only while their clearance holds.

Registered with the gate. It applies to every member of a business associate and
only denies, with the reasons from ``workforce.clearance`` (``training-expired:hipaa-privacy``,
``screening-pending:identity``, …). Break-glass does not lift it: it is about who the
worker is, not their relationship to the patient.
"""

from __future__ import annotations

from django.utils import timezone

from steward.core.policy import AccessRequest, Deny, Outcome, register
from steward.tenancy.roles import OrganizationKind
from steward.workforce import clearance


class ClearanceRule:
    name = "workforce.clearance"

    def evaluate(self, request: AccessRequest) -> Outcome:
        membership = request.subject.membership
        if membership is None:
            return None
        organization = membership.organization
        if organization.kind != OrganizationKind.BUSINESS_ASSOCIATE:
            return None
        requirements = clearance.load_requirements(organization)
        if requirements.empty and membership.is_current():
            return None
        facts = clearance.load_facts(organization, [membership.user_id]).get(
            membership.user_id, clearance.WorkerFacts()
        )
        result = clearance.evaluate(
            membership=membership,
            requirements=requirements,
            facts=facts,
            on=organization.local_today(),
            at=timezone.now(),
        )
        if result.cleared:
            return None
        return Deny(result.reasons)


def register_rules() -> None:
    register(ClearanceRule())
