"""The navigation each role sees. Items name the capability that shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from steward.access.purposes import ROLE_ACTIONS
from steward.audit.permissions import AUDIT_READERS
from steward.catalog import views as catalog_views
from steward.consent import views as consent_views
from steward.tenancy.roles import (
    ROLES_BY_KIND,
    STAFF_ROLES,
    Capability,
    OrganizationKind,
    Role,
    role_can,
)
from steward.vault.views import READERS as RECORDS_READERS
from steward.work import views as work_views
from steward.workforce.views import common as workforce

VENDOR = frozenset({OrganizationKind.BUSINESS_ASSOCIATE})
VENDOR_STAFF = frozenset(ROLES_BY_KIND[OrganizationKind.BUSINESS_ASSOCIATE])

PATIENT_WORKERS = frozenset(role for role in ROLE_ACTIONS if role != Role.PATIENT)
PURPOSE_READERS = frozenset(STAFF_ROLES - {Role.PLATFORM_OPERATOR})


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None = None
    roles: frozenset[str] | None = None
    kinds: frozenset[str] | None = None  # organisation kinds it is for (None: any)


NAVIGATION = (
    NavItem("Dashboard", "web:dashboard"),
    NavItem("My work", "work:workspace", roles=frozenset({Role.VMA})),
    NavItem("Queue board", "work:board", roles=work_views.BOARD_ROLES),
    NavItem("Tasks", "work:practice", roles=work_views.PRACTICE_STAFF | {Role.PRIVACY_OFFICER}),
    NavItem("SLA", "work:sla", roles=work_views.BOARD_ROLES | work_views.PRACTICE_STAFF),
    NavItem("Assistants", "work:assistants", roles=work_views.BOARD_ROLES),
    NavItem("Task types", "work:task-types", roles=work_views.PRACTICE_STAFF),
    NavItem("Patients", "access:search", roles=PATIENT_WORKERS),
    NavItem("My compliance", "workforce:me", roles=VENDOR_STAFF, kinds=VENDOR),
    NavItem("Workforce", "workforce:home", roles=workforce.OVERSEERS, kinds=VENDOR),
    NavItem(
        "Team compliance",
        "workforce:team",
        roles=workforce.SUPERVISORS | workforce.OVERSEERS,
        kinds=VENDOR,
    ),
    NavItem("Screening", "workforce:screening", roles=workforce.OVERSEERS, kinds=VENDOR),
    NavItem(
        "Courses", "workforce:courses", roles=workforce.TRAINERS | workforce.OVERSEERS, kinds=VENDOR
    ),
    NavItem("Policies", "workforce:policies", roles=workforce.OVERSEERS, kinds=VENDOR),
    NavItem("Scenarios", "workforce:scenarios", roles=VENDOR_STAFF, kinds=VENDOR),
    NavItem(
        "Access reviews",
        "workforce:reviews",
        roles=workforce.SUPERVISORS | workforce.OVERSEERS,
        kinds=VENDOR,
    ),
    NavItem(
        "On- and offboarding",
        "workforce:checklists",
        roles=workforce.SUPERVISORS | workforce.COMPLIANCE,
        kinds=VENDOR,
    ),
    NavItem("My record", "portal:record", roles=frozenset({Role.PATIENT})),
    NavItem("Who looked at my record", "portal:access-log", roles=frozenset({Role.PATIENT})),
    NavItem("Requests & messages", "requests:home", roles=frozenset({Role.PATIENT})),
    NavItem("My privacy choices", "privacy:home", roles=frozenset({Role.PATIENT})),
    NavItem("Our services", "patient-services:home", roles=frozenset({Role.PATIENT})),
    NavItem("Members", "tenancy:member-list", capability=Capability.VIEW_MEMBERS),
    NavItem("Teams", "tenancy:team-list", capability=Capability.VIEW_TEAMS),
    NavItem("Agreements", "tenancy:agreement-list", capability=Capability.VIEW_AGREEMENTS),
    NavItem("Organisation settings", "tenancy:settings", capability=Capability.MANAGE_SETTINGS),
    NavItem("Audit trail", "audit:event-list", roles=AUDIT_READERS),
    NavItem("Records & retention", "vault:records", roles=RECORDS_READERS),
    NavItem("Emergency access reviews", "access:reviews", roles=frozenset({Role.PRIVACY_OFFICER})),
    NavItem("Disclosures", "audit:disclosures", roles=frozenset({Role.PRIVACY_OFFICER})),
    NavItem("Purposes of use", "access:purposes", roles=PURPOSE_READERS),
    NavItem("Privacy notices", "consent:notices", roles=consent_views.NOTICE_READERS),
    NavItem("Consent policy", "consent:policies", roles=consent_views.NOTICE_READERS),
    NavItem("Messages to patients", "consent:messages", roles=consent_views.CAMPAIGN_READERS),
    NavItem("Service catalogue", "catalog:home", roles=catalog_views.READERS),
    NavItem("Operations admin", "admin:index", roles=frozenset({Role.PLATFORM_OPERATOR})),
    NavItem("My account", "web:account"),
)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    items = []
    for item in NAVIGATION:
        if item.capability and not role_can(role, item.capability):
            continue
        if item.roles is not None and role not in item.roles:
            continue
        if item.kinds is not None and (
            membership is None or membership.organization.kind not in item.kinds
        ):
            continue
        url = reverse(item.url_name)
        current = request.path == url or (
            url != "/" and request.path.startswith(url) and item.url_name != "web:dashboard"
        )
        items.append({"label": item.label, "url": url, "current": current})
    # Only the most specific match is current: /workforce/screening/ is "Screening", not
    # also "Workforce".
    best = max((len(str(i["url"])) for i in items if i["current"]), default=0)
    for i in items:
        i["current"] = bool(i["current"]) and len(str(i["url"])) == best
    return items
