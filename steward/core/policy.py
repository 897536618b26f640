"""The access-rule protocol: how apps contribute facts to the gate's decisions.

The gate (``steward.access``) decides every access to patient data by asking
each registered rule. Rules live with the facts they judge — memberships and
agreements in ``tenancy``, disposal in ``vault``, later consent, assignments
and workforce clearance — and register here in their ``AppConfig.ready()``.
The protocol sits in the kernel so that apps below the gate can implement it
without importing the gate.

A rule answers one of three things:

- ``Permit`` — it vouches for the access (optionally narrowing the fields);
- ``Deny`` — it forbids it, with reason codes (deny overrides every permit);
- ``None`` — it has nothing to say.

Access needs at least one permit and no deny: deny by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Action:
    READ = "read"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    EXPORT = "export"
    BREAK_GLASS = "break-glass"
    WRITE_TEXT = "write-text"  # add a sealed free text (a message) to the patient's record

    ALL = (READ, SEARCH, CREATE, UPDATE, EXPORT, BREAK_GLASS, WRITE_TEXT)


@dataclass(frozen=True)
class Subject:
    """Who asks, as the session knows them."""

    user: Any
    membership: Any  # the active tenancy Membership, or None
    mfa_passed: bool
    seconds_since_authentication: float | None
    break_glass_patient_ids: frozenset[str] = frozenset()

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership is not None else None

    @property
    def organization(self) -> Any:
        return self.membership.organization if self.membership is not None else None


@dataclass(frozen=True)
class AccessRequest:
    subject: Subject
    action: str
    patient: Any  # a vault Patient, or None for create/search
    tenant: Any  # the practice whose patient it is (or would be)
    purpose: Any  # an access PurposeOfUse
    fields: frozenset[str]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def break_glass(self) -> bool:
        return self.patient is not None and str(self.patient.pk) in (
            self.subject.break_glass_patient_ids
        )


@dataclass(frozen=True)
class Permit:
    fields: frozenset[str] | None = None  # None: no narrowing
    obligations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deny:
    reasons: tuple[str, ...]
    # Break-glass may lift a deny about the normal relationship to the patient
    # (no assignment, a role that does not usually read); never one about who the
    # subject is (deactivated, no MFA), the patient (disposed) or the law (no BAA).
    overridable: bool = False


Outcome = Permit | Deny | None


class Rule(Protocol):
    name: str

    def evaluate(self, request: AccessRequest) -> Outcome: ...


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    """Add ``rule`` to every decision; one name, one rule (re-registration replaces)."""
    _rules[rule.name] = rule


def registered() -> Iterable[Rule]:
    return tuple(_rules.values())
