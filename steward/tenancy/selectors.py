"""Reads of organisations, teams, memberships and agreements, always scoped to one organisation.

Look-ups by id return ``Http404`` alike for "does not exist" and "belongs to
another organisation", so ids never reveal what other tenants hold.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from steward.accounts.models import User
from steward.tenancy.models import (
    AgreementStatus,
    BusinessAssociateAgreement,
    Membership,
    Organization,
    Team,
)
from steward.tenancy.roles import Role


def memberships_current_for_user(user: User) -> list[Membership]:
    """The memberships ``user`` can act under now, with their organisations and teams."""
    return list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("organization", "team")
        .order_by("organization__short_name")
    )


def _as_uuid(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404("No such record.") from None


def membership_list(
    *,
    organization: Organization,
    role: str = "",
    status: str = "",
    team: str = "",
    query: str = "",
) -> QuerySet[Membership]:
    members = Membership.objects.for_organization(organization).select_related("user", "team")
    if role:
        members = members.filter(role=role)
    if team:
        members = (
            members.filter(team_id=_as_uuid(team))
            if team != "none"
            else members.filter(team__isnull=True)
        )
    if status == "current":
        members = members.filter(pk__in=Membership.objects.current().values("pk"))
    elif status == "ended":
        members = members.filter(is_active=False)
    if query.strip():
        text = query.strip()
        members = members.filter(
            Q(user__full_name__icontains=text) | Q(user__email__icontains=text)
        )
    return members.order_by("-is_active", "user__full_name")


def membership_get(*, organization: Organization, membership_id: object) -> Membership:
    found = (
        Membership.objects.for_organization(organization)
        .select_related("user", "team", "organization")
        .filter(pk=_as_uuid(membership_id))
        .first()
    )
    if found is None:
        raise Http404("No such member.")
    return found


def team_list(*, organization: Organization) -> QuerySet[Team]:
    current = Q(memberships__in=Membership.objects.current())
    return (
        Team.objects.for_organization(organization)
        .select_related("supervisor")
        .annotate(member_count=Count("memberships", filter=current, distinct=True))
        .order_by("name")
    )


def team_get(*, organization: Organization, team_id: object) -> Team:
    found = team_list(organization=organization).filter(pk=_as_uuid(team_id)).first()
    if found is None:
        raise Http404("No such team.")
    return found


def supervisors_of(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        memberships__in=Membership.objects.current().filter(
            organization=organization, role=Role.SUPERVISOR
        )
    ).order_by("full_name")


def agreement_list(
    *, organization: Organization, status: str = ""
) -> list[BusinessAssociateAgreement]:
    agreements = list(BusinessAssociateAgreement.objects.involving(organization))
    if status:
        agreements = [a for a in agreements if a.effective_status == status]
    return agreements


def agreement_get(
    *, organization: Organization, agreement_id: object
) -> BusinessAssociateAgreement:
    found = (
        BusinessAssociateAgreement.objects.involving(organization)
        .filter(pk=_as_uuid(agreement_id))
        .first()
    )
    if found is None:
        raise Http404("No such agreement.")
    return found


def business_associates() -> QuerySet[Organization]:
    return Organization.objects.filter(kind="business-associate", is_active=True)


@dataclass(frozen=True)
class OrganizationFigures:
    members_by_role: list[tuple[str, int]]
    members_total: int
    members_ending_soon: int
    teams: int
    agreements_by_status: list[tuple[str, int]]


def organization_figures(*, organization: Organization) -> OrganizationFigures:
    """Headline figures for an organisation's dashboard, in a handful of queries."""
    import datetime as dt

    from django.utils import timezone

    current = Membership.objects.for_organization(organization).current()
    counts = Counter(current.values_list("role", flat=True))
    labels = dict(Role.choices)
    soon = timezone.now() + dt.timedelta(days=30)
    agreements = Counter(a.effective_status for a in agreement_list(organization=organization))
    return OrganizationFigures(
        members_by_role=sorted(((labels[r], n) for r, n in counts.items()), key=lambda x: -x[1]),
        members_total=sum(counts.values()),
        members_ending_soon=current.filter(valid_until__lte=soon).count(),
        teams=Team.objects.for_organization(organization).count(),
        agreements_by_status=[
            (dict(AgreementStatus.choices).get(s, s.title()), n) for s, n in agreements.items()
        ],
    )


def teams_supervised_by(*, organization: Organization, user: User) -> QuerySet[Team]:
    return team_list(organization=organization).filter(supervisor=user)


def team_members(*, team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.for_organization(team.organization)
        .current()
        .filter(team=team)
        .select_related("user")
        .order_by("user__full_name")
    )


@dataclass(frozen=True)
class PlatformFigures:
    organizations_by_kind: list[tuple[str, int]]
    active_users: int
    agreements_by_status: list[tuple[str, int]]


def platform_figures() -> PlatformFigures:
    """Installation-wide counts for the operator: no names, no PHI."""
    from steward.tenancy.roles import OrganizationKind

    kinds = dict(OrganizationKind.choices)
    by_kind = Counter(Organization.objects.filter(is_active=True).values_list("kind", flat=True))
    statuses = Counter(
        a.effective_status
        for a in BusinessAssociateAgreement.objects.select_related("covered_entity")
    )
    return PlatformFigures(
        organizations_by_kind=[(kinds[k], n) for k, n in sorted(by_kind.items())],
        active_users=User.objects.filter(is_active=True).count(),
        agreements_by_status=[
            (dict(AgreementStatus.choices).get(s, s.title()), n) for s, n in statuses.items()
        ],
    )
