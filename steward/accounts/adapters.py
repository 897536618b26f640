"""allauth adapters: closed sign-up, audited failures and lockouts, encrypted TOTP secrets."""

from __future__ import annotations

import base64
import os
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest

from steward.core.events import SecurityEvent, record

_SECRET_FORMAT = "v1:"  # noqa: S105 - a format tag, not a secret


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People are invited by their organisation's administrator.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Enrolling a first factor right after signing in must not demand the
        # password again: it adds protection and takes none away. Changing or
        # removing an existing factor still requires re-authentication.
        from allauth.core import context as allauth_context

        from steward.accounts.mfa import recently_authenticated, user_has_mfa

        request = allauth_context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and not user_has_mfa(request.user)
            and recently_authenticated(
                request, within_seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
            )
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record(
                SecurityEvent(
                    action="login.locked-out",
                    outcome="denied",
                    actor=_user_for(credentials),
                    reasons=("too-many-failed-logins",),
                )
            )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        user = _user_for(credentials)
        record(
            SecurityEvent(
                action="login.failed",
                outcome="denied",
                actor=user,
                reasons=("wrong-credentials" if user else "unknown-account",),
            )
        )


def _user_for(credentials: dict[str, Any]) -> Any:
    from steward.accounts.models import User

    email = str(credentials.get("email") or "").strip().lower()
    return User.objects.filter(email=email).first() if email else None


def _totp_key() -> bytes:
    material = getattr(settings, "STEWARD_MFA_SECRET_KEY", "")
    if not material:
        raise ImproperlyConfigured("STEWARD_MFA_SECRET_KEY is not set.")
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"steward/mfa-secrets/v1"
    ).derive(material.encode("utf-8"))


class MFAAdapter(DefaultMFAAdapter):
    """Keeps TOTP secrets encrypted (AES-256-GCM) so a database copy cannot mint codes."""

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(_totp_key()).encrypt(nonce, text.encode("utf-8"), b"totp-secret")
        return _SECRET_FORMAT + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_SECRET_FORMAT):
            raise ImproperlyConfigured("A stored MFA secret is not in Steward's encrypted format.")
        raw = base64.b64decode(encrypted_text[len(_SECRET_FORMAT) :])
        try:
            return AESGCM(_totp_key()).decrypt(raw[:12], raw[12:], b"totp-secret").decode("utf-8")
        except InvalidTag as exc:
            raise ImproperlyConfigured(
                "A stored MFA secret cannot be decrypted: STEWARD_MFA_SECRET_KEY has changed."
            ) from exc
