"""The audit trail's subscription to lower layers' security events."""

from __future__ import annotations

from typing import Any

from steward.core.events import SecurityEvent, security_event


def _on_security_event(sender: Any, event: SecurityEvent, **kwargs: Any) -> None:
    from steward.audit.services import event_record_security

    event_record_security(event)


def connect() -> None:
    security_event.connect(_on_security_event, dispatch_uid="steward-audit-security-events")
