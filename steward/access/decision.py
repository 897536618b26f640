"""Combining the rules: deny by default, deny overrides, fields narrowed by every permit."""

from __future__ import annotations

from dataclasses import dataclass

from steward.access import reasons
from steward.core.policy import AccessRequest, Deny, Permit, registered

# Bumped whenever a rule or the combination changes meaning; stored with every decision.
POLICY_VERSION = "2026-11.1"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    fields_allowed: frozenset[str]
    reasons: tuple[str, ...]
    obligations: tuple[str, ...]
    policy_version: str = POLICY_VERSION
    break_glass: bool = False

    @property
    def concealed(self) -> bool:
        """A denial that must read exactly like "no such patient"."""
        return not self.allowed and any(
            code.split(":", 1)[0] in reasons.CONCEALED for code in self.reasons
        )


def decide(request: AccessRequest) -> Decision:
    """Ask every registered rule about ``request`` and combine the answers."""
    permits: list[Permit] = []
    denies: list[Deny] = []
    for rule in registered():
        outcome = rule.evaluate(request)
        if isinstance(outcome, Permit):
            permits.append(outcome)
        elif isinstance(outcome, Deny):
            denies.append(outcome)
    obligations: list[str] = []
    if request.break_glass:
        # Emergency access lifts only the denials that concern the usual
        # relationship to the patient; it is recorded and must be reviewed.
        denies = [deny for deny in denies if not deny.overridable]
        obligations.append("break-glass-review")
    if denies:
        codes = sorted({code for deny in denies for code in deny.reasons})
        return Decision(False, frozenset(), tuple(codes), (), break_glass=request.break_glass)
    if not permits:
        return Decision(
            False, frozenset(), (reasons.NO_RULE_PERMITS.code,), (), break_glass=request.break_glass
        )
    fields = request.fields
    for permit in permits:
        if permit.fields is not None:
            fields &= permit.fields
        obligations.extend(permit.obligations)
    if request.fields and not fields:
        return Decision(
            False,
            frozenset(),
            (reasons.FIELDS_OUTSIDE_PURPOSE.code,),
            (),
            break_glass=request.break_glass,
        )
    return Decision(
        True, fields, (), tuple(dict.fromkeys(obligations)), break_glass=request.break_glass
    )
