"""View guards for organisation administration (not PHI: that is the gate's)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Capability, role_can

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def active_membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Choose an organisation first.")
    return membership


def active_organization(request: HttpRequest) -> Organization:
    return active_membership(request).organization


def require_capability(capability: Capability) -> Callable[[View], View]:
    """Allow the view only to roles holding ``capability`` in the active organisation."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            membership = active_membership(request)
            if not role_can(membership.role, capability):
                raise PermissionDenied(
                    f"Your role ({membership.get_role_display()}) cannot "
                    f"{capability.label[0].lower()}{capability.label[1:]}."
                )
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def can(request: HttpRequest, capability: Capability) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and role_can(membership.role, capability)
