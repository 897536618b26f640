from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from steward.web.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, object]:
    """What the layout needs on every page: navigation, the active membership, idle limit."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"installation_name": settings.STEWARD_INSTALLATION_NAME}
    membership = getattr(request, "membership", None)
    from steward.tenancy.middleware import idle_limit_seconds

    return {
        "installation_name": settings.STEWARD_INSTALLATION_NAME,
        # While a second factor is still to be enrolled, nothing else is reachable.
        "navigation": navigation_for(request)
        if membership and not getattr(request, "mfa_pending", False)
        else [],
        "active_membership": membership,
        "memberships": getattr(request, "memberships", []),
        "idle_limit_seconds": idle_limit_seconds(membership),
    }
