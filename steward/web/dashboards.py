"""Dashboard panels per role, each computed from the database."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.http import HttpRequest

from steward.access import selectors as access_selectors
from steward.audit import selectors as audit_selectors
from steward.audit.permissions import AUDIT_READERS
from steward.consent import selectors as consent_selectors
from steward.consent.views import CAMPAIGN_READERS
from steward.core.charts import bars
from steward.tenancy import selectors
from steward.tenancy.roles import Capability, OrganizationKind, Role, role_can
from steward.vault import selectors as vault_selectors


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    membership = request.membership  # type: ignore[attr-defined]
    role = membership.role
    organization = membership.organization
    context: dict[str, Any] = {
        "membership": membership,
        "organization": organization,
        "factors": list(
            Authenticator.objects.filter(user=user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .values_list("type", flat=True)
        ),
        "session_count": UserSession.objects.filter(user=user).count(),
    }
    if role == Role.PLATFORM_OPERATOR:
        platform = selectors.platform_figures()
        context["platform"] = platform
        context["platform_org_bars"] = bars(platform.organizations_by_kind)
        context["platform_agreement_bars"] = bars(platform.agreements_by_status)
        return context
    if role_can(role, Capability.VIEW_MEMBERS) or role_can(role, Capability.VIEW_AGREEMENTS):
        figures = selectors.organization_figures(organization=organization)
        context["figures"] = figures
        context["role_bars"] = bars(figures.members_by_role)
        context["agreement_bars"] = bars(figures.agreements_by_status)
        context["agreements"] = selectors.agreement_list(organization=organization)[:5]
    if role in AUDIT_READERS:
        summary = audit_selectors.trail_summary(organization=organization)
        context["trail"] = summary
        context["trail_bars"] = bars(summary.by_outcome)
    if role == Role.PRIVACY_OFFICER:
        report = access_selectors.review_report(tenant=organization)
        context["reviews"] = {
            "open": len(report["open"]),
            "overdue": len(report["overdue"]),
            "corrective": len(report["corrective_actions"]),
        }
    if role in CAMPAIGN_READERS and organization.kind == OrganizationKind.COVERED_ENTITY:
        consents = consent_selectors.summary(organization)
        context["consents"] = consents
        context["consent_bars"] = bars(consents["granted"])
        context["refusal_bars"] = bars(consents["refused"])
    if organization.kind == OrganizationKind.COVERED_ENTITY and role != Role.PATIENT:
        context["patients"] = vault_selectors.patient_count(tenant=organization)
    if role == Role.SUPERVISOR:
        teams = list(selectors.teams_supervised_by(organization=organization, user=user))  # type: ignore[arg-type]
        context["supervised_teams"] = [
            {"team": team, "members": list(selectors.team_members(team=team)[:50])}
            for team in teams
        ]
    if membership.team_id and role in (Role.VMA, Role.TRAINER, Role.SUPERVISOR):
        context["my_team"] = membership.team
        context["teammates"] = selectors.team_members(team=membership.team).count()
    return context
