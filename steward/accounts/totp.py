"""TOTP helpers for provisioning demo accounts and showing their current codes."""

from __future__ import annotations

import time

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings

from steward.accounts.models import User


def totp_enrol(*, user: User, secret: str) -> Authenticator:
    """Give ``user`` a TOTP factor with ``secret`` (base32), replacing an existing one."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    return TOTP.activate(user, secret).instance


def totp_current_code(*, user: User) -> tuple[str, int] | None:
    """The code ``user``'s authenticator shows now and the seconds it stays valid."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    secret = get_adapter().decrypt(authenticator.data["secret"])
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    now = int(time.time())
    return format_hotp_value(hotp_value(secret, now // period)), period - now % period
