"""The same cast in every tenant, so each endpoint can be tried by an insider and an outsider.

A tenant is a covered entity with its staff and a patient, plus the BPO that
holds an active BAA with it, with a team, a supervisor and a VMA.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator

from steward.accounts.models import User
from steward.accounts.totp import totp_enrol
from steward.tenancy.models import BusinessAssociateAgreement, Membership, Organization, Team
from steward.tenancy.roles import OrganizationKind, Role
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Tenant:
    label: str
    practice: Organization
    bpo: Organization
    agreement: BusinessAssociateAgreement
    team: Team
    client_admin: User
    practitioner: User
    privacy_officer: User
    auditor: User
    patient: User
    bpo_admin: User
    supervisor: User
    vma: User
    trainer: User
    compliance_officer: User

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user, is_active=True)


def with_mfa(user: User) -> User:
    if not Authenticator.objects.filter(user=user, type="totp").exists():
        totp_enrol(user=user, secret=TOTP_SECRET)
    return user


def build_tenant(label: str) -> Tenant:
    practice = OrganizationFactory(
        legal_name=f"Practice {label}, P.C.", short_name=f"Practice {label}"
    )
    bpo = OrganizationFactory(
        kind=OrganizationKind.BUSINESS_ASSOCIATE,
        legal_name=f"Vendor {label}, Inc.",
        short_name=f"Vendor {label}",
        time_zone="Asia/Manila",
    )
    agreement = AgreementFactory(covered_entity=practice, business_associate=bpo)
    team = TeamFactory(organization=bpo, name=f"Scheduling {label}")

    def person(
        role: str,
        organization: Organization,
        slug: str,
        *,
        team: Team | None = None,
        mfa: bool = True,
    ) -> User:
        user = UserFactory(
            email=f"{slug}.{label.lower()}@example.test",
            full_name=f"{slug.replace('-', ' ').title()} {label}",
        )
        MembershipFactory(user=user, organization=organization, role=role, team=team)
        return with_mfa(user) if mfa else user

    supervisor = person(Role.SUPERVISOR, bpo, "supervisor", team=team)
    team.supervisor = supervisor
    team.save()
    return Tenant(
        label=label,
        practice=practice,
        bpo=bpo,
        agreement=agreement,
        team=team,
        client_admin=person(Role.CLIENT_ADMIN, practice, "client-admin"),
        practitioner=person(Role.PRACTITIONER, practice, "practitioner"),
        privacy_officer=person(Role.PRIVACY_OFFICER, practice, "privacy-officer"),
        auditor=person(Role.AUDITOR, practice, "auditor"),
        patient=person(Role.PATIENT, practice, "patient", mfa=False),
        bpo_admin=person(Role.BPO_ADMIN, bpo, "bpo-admin"),
        supervisor=supervisor,
        vma=person(Role.VMA, bpo, "vma", team=team),
        trainer=person(Role.TRAINER, bpo, "trainer"),
        compliance_officer=person(Role.COMPLIANCE_OFFICER, bpo, "compliance-officer"),
    )
