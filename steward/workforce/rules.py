"""The clearance rule: the vendor's people touch PHI only while their clearance holds.

Registered with the gate. It applies to every member of a business associate and
only denies, with the reasons from ``workforce.clearance`` (``training-expired:hipaa-privacy``,
``screening-pending:identity``, …). Break-glass does not lift it: it is about who the
worker is, not their relationship to the patient.
"""

from __future__ import annotations

from steward.core import eligibility
from steward.core.policy import AccessRequest, Deny, Outcome, register
from steward.workforce import clearance


class ClearanceRule:
    name = "workforce.clearance"

    def evaluate(self, request: AccessRequest) -> Outcome:
        membership = request.subject.membership
        if membership is None:
            return None
        blocking = clearance.blocking_reasons(membership)
        return Deny(blocking) if blocking else None


def register_rules() -> None:
    register(ClearanceRule())
    # The queue hands work only to those the gate would let open the patient.
    eligibility.register("workforce.clearance", clearance.blocking_reasons_for)
