"""The gate's own rules: purpose of use, what a role may do, and a session strong enough."""

from __future__ import annotations

from django.conf import settings

from steward.access import reasons
from steward.access.purposes import ROLE_ACTIONS
from steward.core.policy import AccessRequest, Action, Deny, Outcome, Permit, register
from steward.tenancy.roles import STAFF_ROLES


class PurposeRule:
    """The purpose must be active and open to the role; it bounds the fields seen."""

    name = "access.purpose"

    def evaluate(self, request: AccessRequest) -> Outcome:
        purpose = request.purpose
        if purpose is None or not purpose.is_active:
            return Deny((reasons.UNKNOWN_PURPOSE.code,))
        emergency = request.break_glass or request.action == Action.BREAK_GLASS
        if purpose.emergency_only and not emergency:
            return Deny((f"{reasons.PURPOSE_NOT_FOR_ROLE.code}:{purpose.code}",))
        # Emergency access follows the configurable break-glass roles (RoleActionRule);
        # every other purpose names its roles.
        if not purpose.emergency_only and request.subject.role not in purpose.roles:
            return Deny((f"{reasons.PURPOSE_NOT_FOR_ROLE.code}:{purpose.code}",))
        return Permit(fields=purpose.field_set)


class RoleActionRule:
    """A role reads, changes or exports patient data only if its work needs that at all."""

    name = "access.role-action"

    def evaluate(self, request: AccessRequest) -> Outcome:
        role = request.subject.role
        if request.action == Action.BREAK_GLASS:
            if role not in settings.STEWARD_BREAK_GLASS_ROLES:
                return Deny((reasons.BREAK_GLASS_ROLE.code,))
            return None
        if request.action not in ROLE_ACTIONS.get(role or "", frozenset()):
            return Deny((f"{reasons.ROLE_CANNOT.code}:{request.action}",))
        return None


class SessionRule:
    """Staff sessions must have passed MFA; exports and emergency access need a fresh one."""

    name = "access.session"

    def evaluate(self, request: AccessRequest) -> Outcome:
        subject = request.subject
        if subject.membership is None:
            return Deny((reasons.NO_MEMBERSHIP.code,))
        if subject.role in STAFF_ROLES and not subject.mfa_passed:
            return Deny((reasons.MFA_REQUIRED.code,))
        if request.action in (Action.EXPORT, Action.BREAK_GLASS):
            age = subject.seconds_since_authentication
            if age is None or age > settings.STEWARD_REAUTHENTICATION_SECONDS:
                return Deny((reasons.REAUTHENTICATION_REQUIRED.code,))
        return None


def register_all() -> None:
    for rule in (PurposeRule(), RoleActionRule(), SessionRule()):
        register(rule)
