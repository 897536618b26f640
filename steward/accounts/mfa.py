"""What a session has proved: MFA status and freshness of authentication.

allauth keeps, in the session, a record of each way the person authenticated
(password, MFA, re-authentication) with its time. These helpers read it.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from steward.accounts.models import User

# Recovery codes are a fallback, not a factor a person enrols on its own.
ENROLLED_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def user_has_mfa(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=ENROLLED_FACTOR_TYPES).exists()


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session has completed a second factor (at login or since)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def seconds_since_authentication(request: HttpRequest) -> float | None:
    """Seconds since the session last proved who it is (login or re-authentication)."""
    records = get_authentication_records(request, request.user)
    times = [float(record["at"]) for record in records if "at" in record]
    if not times:
        return None
    return max(0.0, time.time() - max(times))


def recently_authenticated(request: HttpRequest, *, within_seconds: int) -> bool:
    elapsed = seconds_since_authentication(request)
    return elapsed is not None and elapsed <= within_seconds
