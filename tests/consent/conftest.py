from __future__ import annotations

from typing import Any

import pytest

from steward.access.models import PurposeOfUse
from steward.consent import services
from steward.consent.defaults import default_notice
from steward.consent.models import ConsentMethod, ConsentRecord, Notice, RecordedAs
from steward.vault.models import Patient
from tests.access.conftest import patient_a, patient_b, subject_for  # noqa: F401
from tests.personas import Tenant

CONTACT = {
    "contact_name": "Priya Privacy",
    "contact_email": "privacy@practice-a.example",
    "contact_phone": "+1 212 555 0100",
    "contact_address": "1 Main St, Albany NY 12207",
}


def publish(
    tenant: Tenant, *, material: bool = False, summary: str = "Update.", **kw: Any
) -> Notice:
    return services.notice_publish(
        tenant=tenant.practice,
        actor=tenant.privacy_officer,
        material=material,
        summary=summary,
        sections=default_notice(tenant.practice.legal_name, [tenant.bpo.legal_name]),
        contact=CONTACT,
        **kw,
    )


def choose(tenant: Tenant, patient: Patient, code: str, decision: str) -> ConsentRecord:
    """The patient answers in the portal (their account must be linked)."""
    return services.consent_record(
        tenant=tenant.practice,
        patient=patient,
        purpose=PurposeOfUse.objects.get(code=code),
        decision=decision,
        method=ConsentMethod.PORTAL,
        recorded_as=RecordedAs.PATIENT,
        actor=tenant.patient,
    )


@pytest.fixture
def notice(tenant_a: Tenant) -> Notice:
    return publish(tenant_a, summary="First version.")


@pytest.fixture
def portal_patient(tenant_a: Tenant, patient_a: Patient) -> Patient:  # noqa: F811
    patient_a.portal_user = tenant_a.patient
    patient_a.save(update_fields=["portal_user"])
    return patient_a
