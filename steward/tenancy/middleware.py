"""Per-request session policy: the active organisation, idle logoff, and mandatory MFA.

It runs after authentication, on every request (pages, API and admin), so
no view can be reached around it. The order matters:

1. resolve the person's current memberships and the session's active one;
2. sign the session out if it has been idle longer than that
   organisation's limit (HIPAA §164.312(a)(2)(iii));
3. hold staff without an enrolled second factor on the enrolment pages, and
   sessions that have not passed MFA on the verification page;
4. send people with no current membership to a page that says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from steward.accounts.mfa import session_passed_mfa, user_has_mfa
from steward.core import context
from steward.core.events import SecurityEvent, record
from steward.core.middleware import wants_json
from steward.tenancy.models import Membership, PatientMfaPolicy
from steward.tenancy.roles import STAFF_ROLES, Role
from steward.tenancy.selectors import memberships_current_for_user

ACTIVE_MEMBERSHIP_KEY = "steward.active_membership"
LAST_ACTIVITY_KEY = "steward.last_activity"

# What a person may reach while enrolling a second factor.
ENROLMENT_URLS = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)
# What a session that has a factor but has not used it may reach.
VERIFICATION_URLS = frozenset({"mfa_reauthenticate", "account_logout"})
# What a person with no current membership may reach.
NO_MEMBERSHIP_URLS = frozenset(
    ENROLMENT_URLS | VERIFICATION_URLS | {"web:no-access", "account_change_password"}
)


def requires_mfa(user: object, memberships: list[Membership]) -> bool:
    """Every staff role must use MFA; patients must where their organisation says so."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    for membership in memberships:
        if membership.role in STAFF_ROLES:
            return True
        if membership.organization.patient_mfa == PatientMfaPolicy.REQUIRED:
            return True
    return False


def idle_limit_seconds(membership: Membership | None) -> int:
    ceiling = settings.STEWARD_IDLE_LOGOFF_MAX_MINUTES
    minutes = (
        membership.organization.idle_logoff_minutes
        if membership is not None
        else settings.STEWARD_IDLE_LOGOFF_DEFAULT_MINUTES
    )
    return min(minutes, ceiling) * 60


def _url_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        request.mfa_pending = False  # type: ignore[attr-defined]
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)

        memberships = memberships_current_for_user(user)
        active = _choose_active(request, memberships)
        request.memberships = memberships  # type: ignore[attr-defined]
        request.membership = active  # type: ignore[attr-defined]
        request.organization = active.organization if active else None  # type: ignore[attr-defined]
        if active is not None:
            context.update(
                organization_id=str(active.organization_id),
                role=active.role,
                session_key=request.session.session_key,
            )

        refused = (
            self._idle_logoff(request, active)
            or self._mfa_policy(request, memberships)
            or self._membership_policy(request, memberships)
        )
        response = refused or self.get_response(request)
        # Nothing a signed-in person sees may be kept by the browser or a proxy:
        # pages carry PHI and one-time secrets (a cached enrolment page would
        # show a TOTP secret the server has already replaced).
        add_never_cache_headers(response)
        return response

    def _idle_logoff(self, request: HttpRequest, active: Membership | None) -> HttpResponse | None:
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_KEY)
        limit = idle_limit_seconds(active)
        if isinstance(last, int | float) and now - last > limit:
            user = request.user
            record(
                SecurityEvent(
                    action="session.idle-timeout",
                    actor=user,
                    organization=active.organization if active else None,
                    reasons=("idle-timeout",),
                    detail={"limit_minutes": limit // 60},
                )
            )
            logout(request)
            message = f"You were signed out after {limit // 60} minutes without activity."
            if wants_json(request):
                return JsonResponse(
                    {"reason": "session-idle-timeout", "detail": message}, status=401
                )
            messages.info(request, message)
            return redirect(
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
            )
        request.session[LAST_ACTIVITY_KEY] = now
        return None

    def _mfa_policy(
        self, request: HttpRequest, memberships: list[Membership]
    ) -> HttpResponse | None:
        if not requires_mfa(request.user, memberships):
            return None
        name = _url_name(request)
        if not user_has_mfa(request.user):
            request.mfa_pending = True  # type: ignore[attr-defined]
            if name in ENROLMENT_URLS:
                return None
            return _refuse(
                request,
                reason="mfa-enrolment-required",
                message="Your role requires two-factor authentication. "
                "Set up an authenticator app to continue.",
                url=reverse("mfa_activate_totp"),
            )
        if not session_passed_mfa(request) and name not in VERIFICATION_URLS | ENROLMENT_URLS:
            return _refuse(
                request,
                reason="mfa-verification-required",
                message="Confirm it is you with your second factor to continue.",
                url=_with_next(reverse("mfa_reauthenticate"), request),
            )
        return None

    def _membership_policy(
        self, request: HttpRequest, memberships: list[Membership]
    ) -> HttpResponse | None:
        if memberships or _url_name(request) in NO_MEMBERSHIP_URLS:
            return None
        return _refuse(
            request,
            reason="no-current-membership",
            message="You have no current membership in any organisation.",
            url=reverse("web:no-access"),
            quiet=True,
        )


def _choose_active(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    chosen_id = request.session.get(ACTIVE_MEMBERSHIP_KEY)
    for membership in memberships:
        if str(membership.pk) == chosen_id:
            return membership
    # The chosen membership ended (or none was chosen): fall back to the first
    # current one, preferring staff work over a patient portal.
    if not memberships:
        request.session.pop(ACTIVE_MEMBERSHIP_KEY, None)
        return None
    fallback = sorted(memberships, key=lambda m: m.role == Role.PATIENT)[0]
    request.session[ACTIVE_MEMBERSHIP_KEY] = str(fallback.pk)
    return fallback


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _refuse(
    request: HttpRequest, *, reason: str, message: str, url: str, quiet: bool = False
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"reason": reason, "detail": message}, status=403)
    if not quiet and request.method == "GET":
        messages.warning(request, message)
    return redirect(url)
