"""Changes to people's accounts. Each opens its transaction and records its security event."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from steward.accounts.models import User
from steward.core.events import SecurityEvent, record


def _user_event(action: str, *, user: User, actor: User | None, **detail: object) -> None:
    record(
        SecurityEvent(
            action=action, actor=actor, entity_type="user", entity_id=str(user.pk), detail=detail
        )
    )


def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    email_verified: bool = False,
    actor: User | None = None,
) -> User:
    """Create a person's account with a primary email address.

    Without a password the account cannot sign in until the person sets one
    through their invitation link.
    """
    with transaction.atomic():
        if password is not None:
            validate_password(password, User(email=email, full_name=full_name))
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=email_verified
        )
        _user_event("user.created", user=user, actor=actor)
    return user


def user_set_initial_password(*, user: User, password: str) -> User:
    """Set the password chosen through an invitation; the link proves the address."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        _user_event("user.password-set", user=user, actor=user)
    return user


def user_sessions_end(*, user: User) -> int:
    """End every live session of ``user`` now; returns how many were ended."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def user_deactivate(*, user: User, actor: User | None, reason: str = "") -> User:
    """Stop ``user`` from signing in and end their sessions at once."""
    with transaction.atomic():
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        _user_event("user.deactivated", user=user, actor=actor, reason=reason[:200])
        transaction.on_commit(lambda: user_sessions_end(user=user))
    return user


def user_reactivate(*, user: User, actor: User | None) -> User:
    """Let a deactivated person sign in again (their memberships are unchanged)."""
    with transaction.atomic():
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
        _user_event("user.reactivated", user=user, actor=actor)
    return user
