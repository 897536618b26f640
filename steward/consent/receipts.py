"""Consent receipts (Kantara Initiative Consent Receipt Specification v1.1).

A receipt is the patient's own copy of one choice: what they agreed to (or
refused, or withdrew), with whom, under which notice, and how to change it.
It names the patient only by their record's opaque id. Steward-specific facts
the specification has no field for (the decision, who recorded it) sit under
``x-steward``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from steward.consent.models import ConsentRecord, Decision, Provision
from steward.consent.state import policy_for
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement
from steward.tenancy.roles import Role

SPEC_VERSION = "KI-CR-v1.1.0"
# The fields the specification marks required.
REQUIRED_FIELDS = (
    "version",
    "jurisdiction",
    "consentTimestamp",
    "collectionMethod",
    "consentReceiptID",
    "piiPrincipalId",
    "piiControllers",
    "policyUrl",
    "services",
    "sensitive",
    "spiCat",
)
REQUIRED_CONTROLLER_FIELDS = ("piiController", "contact", "address", "email", "phone")
REQUIRED_PURPOSE_FIELDS = (
    "purpose",
    "purposeCategory",
    "consentType",
    "piiCategory",
    "termination",
    "thirdPartyDisclosure",
)
VENDOR_ROLES = frozenset({Role.VMA, Role.SUPERVISOR})


def notice_url(record: ConsentRecord) -> str:
    path = reverse(
        "consent:public-notice-version",
        kwargs={"tenant_id": record.tenant_id, "version": record.notice.version},
    )
    return f"{settings.STEWARD_PUBLIC_URL}{path}"


def _vendors(record: ConsentRecord) -> list[str]:
    agreements = BusinessAssociateAgreement.objects.filter(
        covered_entity_id=record.tenant_id, status=AgreementStatus.ACTIVE
    ).select_related("business_associate", "covered_entity")
    return sorted(a.business_associate.legal_name for a in agreements if a.in_force())


def _termination(record: ConsentRecord) -> str:
    ends = "You can withdraw it at any time in the patient portal or by telling the practice."
    if record.expires_at is not None:
        ends = f"It ends on {record.expires_at:%d %B %Y} unless renewed. {ends}"
    if record.provision == Provision.RESTRICTION:
        return "The restriction holds until you or the practice end it (HIPAA §164.522)."
    if record.decision != Decision.GRANTED:
        return "Nothing is in force: you can give consent at any time."
    return ends


def receipt(record: ConsentRecord) -> dict[str, Any]:
    notice, purpose, tenant = record.notice, record.purpose, record.tenant
    policy = policy_for(tenant, purpose)
    handled_by_vendor = purpose.code == "vendor-processing" or VENDOR_ROLES & set(purpose.roles)
    vendors = _vendors(record) if handled_by_vendor else []
    purpose_entry: dict[str, Any] = {
        "purpose": policy.plain_language,
        "purposeCategory": [purpose.name],
        "consentType": "EXPLICIT",
        "piiCategory": list(policy.data_categories),
        "primaryPurpose": False,
        "termination": _termination(record),
        "thirdPartyDisclosure": bool(vendors),
    }
    if vendors:
        purpose_entry["thirdPartyName"] = "; ".join(vendors)
    return {
        "version": SPEC_VERSION,
        "jurisdiction": notice.jurisdiction,
        "consentTimestamp": int(record.created_at.timestamp()),
        "collectionMethod": record.get_method_display(),
        "consentReceiptID": str(record.pk),
        "language": notice.language,
        "piiPrincipalId": str(record.patient_id),
        "piiControllers": [
            {
                "piiController": tenant.legal_name,
                "onBehalf": False,
                "contact": notice.contact_name,
                "address": {
                    "streetAddress": notice.contact_address,
                    "addressCountry": notice.jurisdiction,
                },
                "email": notice.contact_email,
                "phone": notice.contact_phone,
                "piiControllerUrl": settings.STEWARD_PUBLIC_URL,
            }
        ],
        "policyUrl": notice_url(record),
        "services": [
            {"service": f"{tenant.short_name} patient services", "purposes": [purpose_entry]}
        ],
        "sensitive": True,
        "spiCat": ["Health information (HIPAA protected health information)"],
        "x-steward": {
            "purposeCode": purpose.code,
            "provision": record.provision,
            "decision": record.decision,
            "noticeVersion": notice.version,
            "recordedAs": record.recorded_as,
            "representative": record.representative_name or None,
            "expires": record.expires_at.isoformat() if record.expires_at else None,
        },
    }


def missing_fields(document: dict[str, Any]) -> list[str]:
    """Required fields absent or empty in ``document`` (an empty list: complete)."""
    missing = [f for f in REQUIRED_FIELDS if document.get(f) in (None, "", [])]
    for controller in document.get("piiControllers", []):
        missing += [
            f"piiControllers.{f}"
            for f in REQUIRED_CONTROLLER_FIELDS
            if controller.get(f) in (None, "", [])
        ]
    for service in document.get("services", []):
        if not service.get("service"):
            missing.append("services.service")
        for entry in service.get("purposes", []):
            missing += [
                f"services.purposes.{f}"
                for f in REQUIRED_PURPOSE_FIELDS
                if entry.get(f) is None or entry.get(f) == ""
            ]
    return missing
