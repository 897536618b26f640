"""The consent rule: a purpose that needs the patient's consent is used only with it.

Registered with the gate (``steward.core.policy``) at start-up. It vouches for
nothing (the gate's own rules permit); it only denies:

- ``consent-<status>:<purpose>`` when the practice's policy requires consent for
  the purpose and the patient's latest choice is not an active grant
  (missing, declined, withdrawn, expired, or stale after a material notice change);
- the same for ``vendor-processing`` when the asker works for the practice's vendor
  and the practice requires consent for processing by its vendor;
- ``consent-restricted:<purpose>`` when the practice agreed to a restriction (on the purpose,
  or on processing by the vendor for vendor staff); only this denial may be lifted by
  emergency access (HIPAA §164.522(a)(1)(iii)).

Emergency access itself needs no consent, but vendor staff breaking glass still need the
patient's consent to the vendor where the practice requires it.

A patient reading their own record is not asked about their own consent.
"""

from __future__ import annotations

from steward.access.models import PurposeOfUse
from steward.consent import state
from steward.core.policy import AccessRequest, Deny, Outcome, register
from steward.tenancy.roles import OrganizationKind, Role

VENDOR_PROCESSING = "vendor-processing"


class ConsentRule:
    name = "consent.purpose"

    def evaluate(self, request: AccessRequest) -> Outcome:
        patient, purpose, tenant = request.patient, request.purpose, request.tenant
        if patient is None or purpose is None or tenant is None:
            return None  # searches and registrations: decided per record, or nothing to ask
        if request.subject.role == Role.PATIENT:
            return None
        # Emergency access needs no consent for itself, but the vendor's staff still need
        # the patient's consent to the vendor where the practice requires it.
        needed = self._purposes(request, purpose)
        if purpose.emergency_only:
            needed = needed[1:]
        threshold = state.stale_before(tenant)
        denials: list[str] = []
        for wanted in needed:
            policy = state.policy_for(tenant, wanted)
            if not policy.consent_required:
                continue
            current = state.state_of(tenant, patient.pk, policy, threshold=threshold)
            if current.status != state.Status.ACTIVE:
                denials.append(f"consent-{current.status}:{wanted.code}")
        if denials:
            return Deny(tuple(denials))
        restricted = [
            f"consent-restricted:{wanted.code}"
            for wanted in needed
            if state.restriction_in_force(tenant, patient.pk, wanted) is not None
        ]
        if restricted:
            return Deny(tuple(restricted), overridable=True)
        return None

    @staticmethod
    def _purposes(request: AccessRequest, purpose: PurposeOfUse) -> list[PurposeOfUse]:
        needed = [purpose]
        organization = request.subject.organization
        if (
            organization is not None
            and organization.kind == OrganizationKind.BUSINESS_ASSOCIATE
            and purpose.code != VENDOR_PROCESSING
        ):
            vendor = PurposeOfUse.objects.filter(code=VENDOR_PROCESSING, is_active=True).first()
            if vendor is not None:
                needed.append(vendor)
        return needed


def register_rules() -> None:
    register(ConsentRule())
