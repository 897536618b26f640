"""The gate's rules about the record itself: disposed records, and patients' own records."""

from __future__ import annotations

from steward.core.policy import AccessRequest, Deny, Outcome, Permit, register
from steward.tenancy.roles import Role


class DisposedRule:
    """A disposed (crypto-shredded) record is never readable, not even in an emergency."""

    name = "vault.disposed"

    def evaluate(self, request: AccessRequest) -> Outcome:
        patient = request.patient
        if patient is not None and patient.is_disposed:
            return Deny(("patient-disposed",))
        return None


class OwnRecordRule:
    """A patient sees their own record, through the portal, and nobody else's."""

    name = "vault.own-record"

    def evaluate(self, request: AccessRequest) -> Outcome:
        if request.subject.role != Role.PATIENT:
            return None
        patient = request.patient
        if patient is None or patient.portal_user_id != getattr(request.subject.user, "pk", None):
            return Deny(("not-your-record",))
        return Permit()


def register_rules() -> None:
    register(DisposedRule())
    register(OwnRecordRule())
