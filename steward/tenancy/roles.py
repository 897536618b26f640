"""Roles, organisation kinds, and what each role may do with organisation settings.

PHI access is decided elsewhere (the gate); these capabilities cover only
the administration of organisations, teams, memberships and agreements.
"""

from __future__ import annotations

from django.db import models


class OrganizationKind(models.TextChoices):
    COVERED_ENTITY = "covered-entity", "Covered entity (medical practice)"
    BUSINESS_ASSOCIATE = "business-associate", "Business associate (BPO vendor)"
    PLATFORM = "platform", "Platform operator"


class Role(models.TextChoices):
    PLATFORM_OPERATOR = "platform-operator", "Platform operator"
    CLIENT_ADMIN = "client-admin", "Client admin"
    PRACTITIONER = "practitioner", "Practitioner"
    PRIVACY_OFFICER = "privacy-officer", "Privacy officer"
    BPO_ADMIN = "bpo-admin", "BPO admin"
    SUPERVISOR = "supervisor", "Supervisor"
    VMA = "vma", "Virtual medical assistant"
    TRAINER = "trainer", "Trainer"
    COMPLIANCE_OFFICER = "compliance-officer", "Compliance officer"
    AUDITOR = "auditor", "Auditor"
    PATIENT = "patient", "Patient"


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.COVERED_ENTITY: frozenset(
        {Role.CLIENT_ADMIN, Role.PRACTITIONER, Role.PRIVACY_OFFICER, Role.AUDITOR, Role.PATIENT}
    ),
    OrganizationKind.BUSINESS_ASSOCIATE: frozenset(
        {
            Role.BPO_ADMIN,
            Role.SUPERVISOR,
            Role.VMA,
            Role.TRAINER,
            Role.COMPLIANCE_OFFICER,
            Role.AUDITOR,
        }
    ),
    OrganizationKind.PLATFORM: frozenset({Role.PLATFORM_OPERATOR, Role.AUDITOR}),
}

STAFF_ROLES = frozenset(Role) - {Role.PATIENT}


class Capability(models.TextChoices):
    MANAGE_MEMBERS = "manage-members", "Invite people and change memberships"
    VIEW_MEMBERS = "view-members", "See the organisation's members"
    MANAGE_TEAMS = "manage-teams", "Create teams and choose supervisors"
    VIEW_TEAMS = "view-teams", "See teams"
    MANAGE_AGREEMENTS = "manage-agreements", "Draft, activate and terminate BAAs"
    VIEW_AGREEMENTS = "view-agreements", "See business associate agreements"
    MANAGE_SETTINGS = "manage-settings", "Change the organisation's settings"


_ADMINS = {Role.CLIENT_ADMIN, Role.BPO_ADMIN, Role.PLATFORM_OPERATOR}
_OVERSIGHT = {Role.PRIVACY_OFFICER, Role.COMPLIANCE_OFFICER, Role.AUDITOR}

CAPABILITIES: dict[str, frozenset[str]] = {
    Capability.MANAGE_MEMBERS: frozenset(_ADMINS),
    Capability.VIEW_MEMBERS: frozenset(_ADMINS | _OVERSIGHT | {Role.SUPERVISOR, Role.TRAINER}),
    Capability.MANAGE_TEAMS: frozenset({Role.BPO_ADMIN, Role.CLIENT_ADMIN}),
    Capability.VIEW_TEAMS: frozenset(
        _ADMINS | _OVERSIGHT | {Role.SUPERVISOR, Role.TRAINER, Role.VMA}
    ),
    # The covered entity signs a BAA; its admin and privacy officer manage it.
    Capability.MANAGE_AGREEMENTS: frozenset({Role.CLIENT_ADMIN, Role.PRIVACY_OFFICER}),
    Capability.VIEW_AGREEMENTS: frozenset(_ADMINS | _OVERSIGHT),
    Capability.MANAGE_SETTINGS: frozenset({Role.CLIENT_ADMIN, Role.BPO_ADMIN}),
}


def role_can(role: str | None, capability: str) -> bool:
    return role is not None and role in CAPABILITIES[capability]
