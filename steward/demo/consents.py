"""The demo's notices and patients' choices: each practice's first notice, a plausible spread
of answers (most patients agree to reminders, fewer to analytics, a few decline), and at Maple
Grove a material second notice whose re-consent campaign is under way.

Deterministic and idempotent, like the rest of the demo world.
"""

from __future__ import annotations

import random

from steward.access.models import PurposeOfUse
from steward.accounts.models import User
from steward.consent import services
from steward.consent.defaults import default_notice
from steward.consent.models import ConsentMethod, ConsentRecord, Decision, Notice, RecordedAs
from steward.core.dbscope import tenant_scope
from steward.tenancy.models import Organization
from steward.vault.models import Patient

# purpose → (share granting, share declining); the rest were never asked
ANSWERS = {
    "reminders-sms": (0.70, 0.10),
    "reminders-email": (0.45, 0.15),
    "fairness-analytics": (0.30, 0.20),
}


def seed_consents(
    practice: Organization, *, privacy_officer: User, vendor: Organization, seed: int
) -> None:
    if Notice.objects.filter(tenant=practice).exists():
        return
    contact = {
        "contact_name": f"{privacy_officer.full_name}, privacy officer",
        "contact_email": privacy_officer.email,
        "contact_phone": "+1 555 010 0100",
        "contact_address": f"{practice.legal_name}, 100 Main Street",
    }
    sections = default_notice(practice.legal_name, [vendor.legal_name])
    services.notice_publish(
        tenant=practice,
        actor=privacy_officer,
        material=False,
        summary="First version.",
        sections=sections,
        contact=contact,
    )
    purposes = {p.code: p for p in PurposeOfUse.objects.filter(code__in=ANSWERS)}
    with tenant_scope([practice.pk]):
        patients = list(Patient.objects.filter(tenant=practice).order_by("created_at", "pk"))
    chance = random.Random(seed)
    for number, patient in enumerate(patients, start=1):
        for code, (yes, no) in ANSWERS.items():
            roll = chance.random()
            decision = (
                Decision.GRANTED if roll < yes else Decision.DENIED if roll < yes + no else None
            )
            if decision is None:
                continue
            portal = patient.portal_user_id is not None
            services.consent_record(
                tenant=practice,
                patient=patient,
                purpose=purposes[code],
                decision=decision,
                method=ConsentMethod.PORTAL if portal else ConsentMethod.PAPER,
                recorded_as=RecordedAs.PATIENT if portal else RecordedAs.STAFF,
                actor=patient.portal_user if portal else privacy_officer,
                evidence_reference="" if portal else f"Intake packet {number:04d}",
            )


def seed_material_change(practice: Organization, *, privacy_officer: User, seed: int) -> None:
    """A second, material notice (reminders now go out through the vendor), with about a
    third of the affected patients having answered again."""
    current = Notice.objects.filter(tenant=practice).order_by("-version").first()
    if current is None or current.version > 1:
        return
    sections = {key: text for key, _title, text in current.sections()}
    sections["handlers"] += (
        " From December 2026 our vendor's assistants also send appointment reminders by text "
        "and email, on our behalf and only to patients who agreed."
    )
    notice = services.notice_publish(
        tenant=practice,
        actor=privacy_officer,
        material=True,
        summary="Our vendor's assistants now send reminders for us.",
        sections=sections,
        contact={
            key: getattr(current, key)
            for key in ("contact_name", "contact_email", "contact_phone", "contact_address")
        },
    )
    chance = random.Random(seed)
    answering = [
        r.patient_id
        for r in notice.campaign.recipients.order_by("patient_id")
        if chance.random() <= 0.35
    ]
    with tenant_scope([practice.pk]):
        granted = list(
            ConsentRecord.objects.filter(
                tenant=practice, patient_id__in=answering, decision=Decision.GRANTED
            ).select_related("purpose", "patient")
        )
    for record in granted:
        services.consent_record(
            tenant=practice,
            patient=record.patient,
            purpose=record.purpose,
            decision=Decision.GRANTED,
            method=ConsentMethod.PAPER,
            recorded_as=RecordedAs.STAFF,
            actor=privacy_officer,
            evidence_reference="Re-consent form, December 2026",
        )
