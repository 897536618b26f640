"""Consent receipts carry every Kantara v1.1 field; the FHIR Consent export validates."""

from __future__ import annotations

import json

from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from steward.consent.models import Decision, Notice
from steward.consent.receipts import REQUIRED_FIELDS, missing_fields, receipt
from steward.vault.models import Patient
from tests.conftest import sign_in
from tests.consent.conftest import choose, publish
from tests.personas import Tenant

PURPOSE_FIELDS = (
    "purpose",
    "purposeCategory",
    "consentType",
    "piiCategory",
    "primaryPurpose",
    "termination",
    "thirdPartyDisclosure",
)


def test_receipt_has_every_kantara_field(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    record = choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    document = receipt(record)
    assert missing_fields(document) == []
    assert set(REQUIRED_FIELDS) <= set(document)
    assert document["version"] == "KI-CR-v1.1.0"
    assert document["consentReceiptID"] == str(record.pk)
    assert document["piiPrincipalId"] == str(portal_patient.pk)
    assert isinstance(document["consentTimestamp"], int)
    controller = document["piiControllers"][0]
    assert controller["piiController"] == tenant_a.practice.legal_name
    assert {"contact", "address", "email", "phone"} <= set(controller)
    assert document["policyUrl"].endswith(f"/consent/public/{tenant_a.practice.pk}/v1/")
    entry = document["services"][0]["purposes"][0]
    assert set(PURPOSE_FIELDS) <= set(entry)
    # Reminders are handled by the vendor's assistants: the receipt names the third party.
    assert entry["thirdPartyDisclosure"] is True
    assert tenant_a.bpo.legal_name in entry["thirdPartyName"]
    assert document["sensitive"] is True
    # Nothing that identifies the patient beyond the opaque record id.
    assert "Imani" not in json.dumps(document)


def test_missing_fields_are_reported() -> None:
    assert "policyUrl" in missing_fields({"version": "KI-CR-v1.1.0"})


def test_fhir_consent_bundle_validates(
    client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    choose(tenant_a, portal_patient, "reminders-sms", Decision.WITHDRAWN)
    choose(tenant_a, portal_patient, "fairness-analytics", Decision.GRANTED)
    publish(tenant_a, material=True, summary="Changed.", grace_days=0)
    sign_in(client, tenant_a.patient, mfa=False)
    response = client.get("/portal/privacy/consents.fhir.json")
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    consents = [entry.resource for entry in bundle.entry]
    assert len(consents) == 3
    by_state = {(c.provision.purpose[0].code, c.provision.type, c.status) for c in consents}
    assert by_state == {
        ("fairness-analytics", "permit", "inactive"),  # stale: the notice changed materially
        ("reminders-sms", "deny", "active"),  # the withdrawal is in force
        ("reminders-sms", "permit", "inactive"),  # the grant it replaced
    }
    assert all(c.patient.reference == f"Patient/{portal_patient.pk}" for c in consents)


def test_receipts_download_only_for_ones_own_records(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    record = choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    sign_in(client, tenant_a.patient, mfa=False)
    response = client.get(f"/portal/privacy/receipts/{record.pk}.json")
    assert response.status_code == 200
    assert response.json()["consentReceiptID"] == str(record.pk)
    pdf = client.get(f"/portal/privacy/receipts/{record.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")

    other = Client()
    sign_in(other, tenant_b.patient, mfa=False)
    assert other.get(f"/portal/privacy/receipts/{record.pk}.json").status_code in (403, 404)


def test_the_vendor_processing_receipt_names_the_vendor(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    record = choose(tenant_a, portal_patient, "vendor-processing", Decision.GRANTED)
    entry = receipt(record)["services"][0]["purposes"][0]
    assert entry["thirdPartyDisclosure"] is True
    assert tenant_a.bpo.legal_name in entry["thirdPartyName"]
