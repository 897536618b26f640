"""Turn Django's and allauth's authentication signals into security events.

Subscribing to third-party signals for audit is the one use of signals our
style allows; our own services call ``record`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.http import HttpRequest

from steward.core import context
from steward.core.events import SecurityEvent, record


def _on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    context.update(session_key=request.session.session_key)
    record(SecurityEvent(action="login.succeeded", actor=user))


def _on_logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(SecurityEvent(action="logout", actor=user))


def _on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    # Activating a factor proves possession of it: count it as this session's
    # second factor so the person is not asked for a code again straight away.
    from allauth.account.internal.flows.login import record_authentication

    if authenticator.type != "recovery_codes":
        record_authentication(request, user, "mfa", type=authenticator.type, reauthenticated=True)
    _authenticator_event("mfa.enrolled")(sender, request, user, authenticator)


def _authenticator_event(action: str) -> Callable[..., None]:
    def receive(
        sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
    ) -> None:
        record(
            SecurityEvent(
                action=action,
                actor=user,
                entity_type="authenticator",
                detail={"type": authenticator.type},
            )
        )

    return receive


_on_authenticator_removed = _authenticator_event("mfa.removed")
_on_authenticator_reset = _authenticator_event("mfa.reset")


def _on_mfa_failed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(
        SecurityEvent(
            action="mfa.failed", outcome="denied", actor=user, reasons=("wrong-mfa-code",)
        )
    )


def _on_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(SecurityEvent(action="password.changed", actor=user, entity_id=str(user.pk)))


def connect() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="steward-login")
    user_logged_out.connect(_on_logged_out, dispatch_uid="steward-logout")
    authenticator_added.connect(_on_authenticator_added, dispatch_uid="steward-mfa-added")
    authenticator_removed.connect(_on_authenticator_removed, dispatch_uid="steward-mfa-removed")
    authenticator_reset.connect(_on_authenticator_reset, dispatch_uid="steward-mfa-reset")
    authentication_failed.connect(_on_mfa_failed, dispatch_uid="steward-mfa-failed")
    for signal in (password_changed, password_reset, password_set):
        signal.connect(_on_password_changed, dispatch_uid=f"steward-password-{id(signal)}")
