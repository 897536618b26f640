"""Builds the demo world: three organisations in different time zones, a BPO with active
BAAs to both practices, teams, supervisors, VMAs and oversight roles, all with MFA.

Deterministic (fixed Faker seed, secrets derived from the address) and idempotent:
running it again finds what exists and adds only what is missing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from faker import Faker

from steward.accounts.models import User
from steward.accounts.services import user_create
from steward.accounts.totp import totp_enrol
from steward.tenancy import services
from steward.tenancy.models import (
    AgreementStatus,
    BusinessAssociateAgreement,
    Membership,
    Organization,
    Team,
)
from steward.tenancy.roles import OrganizationKind, Role

SEED = 2026
DEMO_PASSWORD = "Steward-demo-2026"  # noqa: S105 - published on purpose: demo accounts only
VMA_COUNT = 20
PATIENTS = {
    "Maple Grove Family Practice, P.C.": ("MG", 360, False),
    "Sunny Hills Pediatrics, LLC": ("SH", 240, True),
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    organization: str


def totp_secret_for(email: str) -> str:
    """A stable TOTP secret per demo address, so re-seeding keeps authenticator apps valid."""
    digest = hashlib.sha256(f"steward-demo/{SEED}/{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF standing in for a signed agreement."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


class DemoWorld:
    def __init__(self, *, progress: Callable[[str], None] = lambda step: None) -> None:
        self.fake = Faker("en_US")
        self.fake.seed_instance(SEED)
        self.progress = progress
        self.logins: list[DemoLogin] = []
        # Hash the shared demo password once: hashing it per account is most of the time.
        self.password_hash = make_password(DEMO_PASSWORD)

    # --- building blocks -------------------------------------------------------

    def organization(self, kind: str, legal: str, short: str, zone: str) -> Organization:
        found = Organization.objects.filter(legal_name=legal).first()
        return found or services.organization_create(
            kind=kind, legal_name=legal, short_name=short, time_zone=zone, actor=None
        )

    def person(self, email: str, name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, full_name=name, email_verified=True)
            user.password = self.password_hash
            user.save(update_fields=["password"])
            totp_enrol(user=user, secret=totp_secret_for(email))
        return user

    def member(
        self,
        organization: Organization,
        user: User,
        role: str,
        team: Team | None = None,
        *,
        listed: bool = True,
    ) -> Membership:
        found = Membership.objects.filter(
            user=user, organization=organization, is_active=True
        ).first()
        if found is None:
            found = services.membership_invite(
                organization=organization,
                email=user.email,
                full_name=user.full_name,
                role=role,
                team=team,
                actor=None,
                notify=False,
            )
        if listed:
            self.logins.append(
                DemoLogin(user.email, user.full_name, Role(role).label, organization.short_name)
            )
        return found

    def team(self, organization: Organization, name: str, description: str) -> Team:
        found = Team.objects.for_organization(organization).filter(name=name).first()
        return found or services.team_create(
            organization=organization, name=name, description=description, actor=None
        )

    def agreement(
        self,
        *,
        practice: Organization,
        vendor: Organization,
        admin: User,
        signed: dt.date,
        effective: dt.date,
        ends: dt.date | None,
    ) -> None:
        exists = BusinessAssociateAgreement.objects.filter(
            covered_entity=practice, business_associate=vendor, status=AgreementStatus.ACTIVE
        ).exists()
        if exists:
            return
        agreement = services.baa_create(
            covered_entity=practice,
            business_associate=vendor,
            actor=admin,
            effective_on=effective,
            terminates_on=ends,
            signed_on=signed,
        )
        pdf = ContentFile(
            _pdf(f"Business Associate Agreement: {practice.legal_name} and {vendor.legal_name}"),
            name="baa.pdf",
        )
        services.baa_attach_document(agreement=agreement, document=pdf, actor=admin)  # type: ignore[arg-type]
        services.baa_activate(agreement=agreement, actor=admin)

    def names(self) -> Iterator[tuple[str, str]]:
        while True:
            yield self.fake.first_name(), self.fake.last_name()

    # --- the world -------------------------------------------------------------

    @transaction.atomic
    def build(self) -> list[DemoLogin]:
        self.progress("organisations")
        platform = self.organization(
            OrganizationKind.PLATFORM, "Steward Operations", "Steward Operations", "UTC"
        )
        maple = self.organization(
            OrganizationKind.COVERED_ENTITY,
            "Maple Grove Family Practice, P.C.",
            "Maple Grove Family Practice",
            "America/New_York",
        )
        sunny = self.organization(
            OrganizationKind.COVERED_ENTITY,
            "Sunny Hills Pediatrics, LLC",
            "Sunny Hills Pediatrics",
            "America/Los_Angeles",
        )
        bpo = self.organization(
            OrganizationKind.BUSINESS_ASSOCIATE,
            "Bayanihan Health Support Services, Inc.",
            "Bayanihan Health Support",
            "Asia/Manila",
        )

        self.progress("operator and practice staff")
        operator = self.person("ops@steward.demo", "Olivia Operator")
        if not operator.is_staff:
            operator.is_staff = operator.is_superuser = True
            operator.save(update_fields=["is_staff", "is_superuser"])
        self.member(platform, operator, Role.PLATFORM_OPERATOR)
        admins = {}
        privacy_officers = {}
        for practice, domain, staff in (
            (
                maple,
                "maplegrove.demo",
                [
                    ("Grace Whitfield", Role.CLIENT_ADMIN, "admin"),
                    ("Dr. Samuel Osei", Role.PRACTITIONER, "dr.osei"),
                    ("Dr. Priya Raman", Role.PRACTITIONER, "dr.raman"),
                    ("Helen Park", Role.PRIVACY_OFFICER, "privacy"),
                ],
            ),
            (
                sunny,
                "sunnyhills.demo",
                [
                    ("Marcus Bell", Role.CLIENT_ADMIN, "admin"),
                    ("Dr. Lucia Moreno", Role.PRACTITIONER, "dr.moreno"),
                    ("Dr. Aaron Feld", Role.PRACTITIONER, "dr.feld"),
                    ("Nadia Karim", Role.PRIVACY_OFFICER, "privacy"),
                ],
            ),
        ):
            for name, role, local in staff:
                user = self.person(f"{local}@{domain}", name)
                self.member(practice, user, role)
                if role == Role.CLIENT_ADMIN:
                    admins[practice.pk] = user
                if role == Role.PRIVACY_OFFICER:
                    privacy_officers[practice.pk] = user

        self.progress("BPO leadership and teams")
        domain = "bayanihan.demo"
        bpo_admin = self.person(f"admin@{domain}", "Ramon Dela Cruz")
        self.member(bpo, bpo_admin, Role.BPO_ADMIN)
        for local, name, role in (
            ("compliance", "Teresa Villanueva", Role.COMPLIANCE_OFFICER),
            ("trainer", "Joel Mendoza", Role.TRAINER),
        ):
            self.member(bpo, self.person(f"{local}@{domain}", name), role)
        auditor = self.person("auditor@steward.demo", "Alex Auditor")
        for organization in (bpo, maple, sunny):
            self.member(organization, auditor, Role.AUDITOR, listed=organization == bpo)

        team_specs = (
            (
                "Scheduling — Maple Grove",
                "Appointments and reminders for Maple Grove",
                "supervisor.maple",
                "Carmela Santos",
            ),
            (
                "Scheduling — Sunny Hills",
                "Appointments and reminders for Sunny Hills",
                "supervisor.sunny",
                "Miguel Reyes",
            ),
            (
                "Billing & Insurance",
                "Eligibility checks and billing questions for both practices",
                "supervisor.billing",
                "Lorna Bautista",
            ),
        )
        teams = []
        for team_name, description, local, supervisor_name in team_specs:
            supervisor = self.person(f"{local}@{domain}", supervisor_name)
            self.member(bpo, supervisor, Role.SUPERVISOR)
            team = self.team(bpo, team_name, description)
            if team.supervisor_id != supervisor.pk:
                services.team_update(
                    team=team,
                    actor=bpo_admin,
                    name=team.name,
                    supervisor=supervisor,
                    description=team.description,
                )
            Membership.objects.filter(user=supervisor, organization=bpo, is_active=True).update(
                team=team
            )
            teams.append(team)

        self.progress("virtual medical assistants")
        names = self.names()
        for index in range(VMA_COUNT):
            first, last = next(names)
            email = f"vma{index + 1:02d}@{domain}"
            user = self.person(email, f"{first} {last}")
            self.member(bpo, user, Role.VMA, teams[index % len(teams)], listed=index < 3)

        self.progress("business associate agreements")
        self.agreement(
            practice=maple,
            vendor=bpo,
            admin=admins[maple.pk],
            signed=dt.date(2025, 1, 15),
            effective=dt.date(2025, 2, 1),
            ends=dt.date(2027, 1, 31),
        )
        self.agreement(
            practice=sunny,
            vendor=bpo,
            admin=admins[sunny.pk],
            signed=dt.date(2025, 6, 2),
            effective=dt.date(2025, 6, 15),
            ends=None,
        )
        self.progress("patients")
        for practice in (maple, sunny):
            self.patients(practice)
        self.transparency(
            (maple, sunny), vendor=bpo, admins=admins, privacy_officers=privacy_officers
        )
        self.operations([maple, sunny], vendor=bpo, teams=teams)
        return self.logins

    def operations(
        self, practices: list[Organization], *, vendor: Organization, teams: list[Team]
    ) -> None:
        """The work queue and the vendor's workforce records."""
        from steward.demo.work import seed_work
        from steward.demo.workforce import seed_workforce

        self.progress("work queue and 90 days of history")
        seed_work(practices, teams=teams, seed=SEED)
        self.progress("workforce: screening, training, policies")
        seed_workforce(vendor, seed=SEED)

    def transparency(
        self,
        practices: tuple[Organization, Organization],
        *,
        vendor: Organization,
        admins: dict[Any, User],
        privacy_officers: dict[Any, User],
    ) -> None:
        """Notices, patients' choices and a re-consent campaign; the service catalogues."""
        from steward.demo.catalogue import seed_catalogue
        from steward.demo.consents import seed_consents, seed_material_change

        maple, sunny = practices
        self.progress("notices and consents")
        for offset, practice in enumerate(practices):
            seed_consents(
                practice,
                privacy_officer=privacy_officers[practice.pk],
                vendor=vendor,
                seed=SEED + offset,
            )
        seed_material_change(maple, privacy_officer=privacy_officers[maple.pk], seed=SEED)
        self.progress("service catalogues")
        seed_catalogue(maple, admin=admins[maple.pk], languages=["English", "Spanish", "Tagalog"])
        seed_catalogue(sunny, admin=admins[sunny.pk], languages=["English", "Spanish"])

    def patients(self, practice: Organization) -> None:
        from steward.demo.patients import PatientFactory
        from steward.vault.models import Patient
        from steward.vault.services import patient_create

        prefix, count, pediatric = PATIENTS[practice.legal_name]
        existing = Patient.objects.for_tenant(practice).count()
        factory = PatientFactory(
            seed=SEED + len(prefix) * 31 + ord(prefix[0]),
            prefix=prefix,
            time_zone=practice.time_zone,
            pediatric=pediatric,
            today=dt.date(2026, 11, 30),
        )
        first = None
        for number, synthetic in enumerate(factory.many(count), start=1):
            if number <= existing:
                continue  # already seeded: the factory is replayed to stay deterministic
            created = patient_create(
                tenant=practice,
                values=synthetic.values,
                actor=None,
                last_activity_on=synthetic.last_activity_on,
            )
            if number == 1:
                first = (created, synthetic.values)
        if first is not None:
            self.portal_patient(practice, *first)

    def portal_patient(self, practice: Organization, patient: Any, values: dict[str, Any]) -> None:
        """Give the practice's first patient a portal login (patients are offered MFA)."""
        domain = "maplegrove.demo" if practice.legal_name.startswith("Maple") else "sunnyhills.demo"
        email = f"patient@{domain}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                email_verified=True,
                full_name=f"{values['given_name']} {values['family_name']}",
            )
            user.password = self.password_hash
            user.save(update_fields=["password"])
        self.member(practice, user, Role.PATIENT)
        patient.portal_user = user
        patient.save(update_fields=["portal_user"])
