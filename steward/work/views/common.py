"""Who may use the work pages, and the look-ups they share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from steward.accounts.models import User
from steward.tenancy.models import Team
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import Role

PRACTICE_STAFF = frozenset({Role.CLIENT_ADMIN, Role.PRACTITIONER})
BOARD_ROLES = frozenset({Role.SUPERVISOR, Role.BPO_ADMIN})


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every view here requires sign-in)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user


def role_of(request: HttpRequest) -> str:
    return str(active_membership(request).role)


def supervised_teams(request: HttpRequest) -> list[Team]:
    membership = active_membership(request)
    if membership.role == Role.BPO_ADMIN:
        return list(Team.objects.filter(organization=membership.organization))
    if membership.role == Role.SUPERVISOR:
        return list(
            Team.objects.filter(organization=membership.organization, supervisor=user_of(request))
        )
    raise PermissionDenied("The board is for supervisors and the vendor's administrator.")
