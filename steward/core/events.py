"""Security events: what the services of lower layers announce for the audit trail.

Apps below ``audit`` (accounts, tenancy, vault) may not import it, so they
announce what happened through ``record``; the audit app subscribes in its
``AppConfig.ready()``. The receiver runs inside the caller's transaction, so
an event that cannot be written rolls the action back with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

security_event = Signal()


@dataclass(frozen=True)
class SecurityEvent:
    action: str  # e.g. "membership.ended", "login.failed"
    outcome: str = "success"  # success, denied, error
    actor: Any = None  # a user, or None for the system / an anonymous client
    organization: Any = None
    entity_type: str = ""
    entity_id: str = ""
    reasons: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)  # ids and codes only, never PHI


class NoAuditTrail(RuntimeError):
    """Nothing is recording security events: refuse rather than act unrecorded."""


def record(event: SecurityEvent) -> None:
    """Announce ``event`` to the audit trail; any receiver's failure propagates.

    Fails closed: with no receiver connected (the audit app missing), the
    action that announces the event is refused.
    """
    if not security_event.has_listeners(SecurityEvent):
        raise NoAuditTrail(f"No audit trail is recording security events ({event.action}).")
    security_event.send(sender=SecurityEvent, event=event)
