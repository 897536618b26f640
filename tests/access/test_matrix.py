"""The authorization matrix: every patient-touching endpoint, every role, every situation.

Situations: the patient is in the subject's reach ("same"), belongs to another practice
("other": for vendor roles that is a BPO without a BAA with the patient's practice), the
vendor's BAA has ended ("baa-ended"), or the record was disposed of ("disposed"); patients also
try their own record ("own"). Expectations are written out here, not derived from the product.
Every denial must leave a denied event in the audit trail.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from steward.audit.models import AuditEvent
from steward.tenancy.models import AgreementStatus
from steward.tenancy.roles import OrganizationKind, Role
from steward.vault.models import Patient
from steward.vault.services import patient_dispose
from tests.access.conftest import assign_task
from tests.conftest import sign_in
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.personas import Tenant, with_mfa

# What each role may do to a patient in its reach (its default purpose of use).
ALLOWED = {
    "practitioner": {"read-page", "read-api", "update-api", "export", "break-glass"},
    "privacy_officer": {"read-page", "read-api", "export", "break-glass"},
    "client_admin": {"read-page", "read-api", "update-api"},
    "supervisor": {"read-page", "read-api", "update-api", "break-glass"},
    "vma": {"read-page", "read-api", "update-api"},
    "patient": set(),  # someone else's record
    "bpo_admin": set(),
    "trainer": set(),
    "compliance_officer": set(),
    "auditor": set(),
    "platform_operator": set(),
}
OWN_RECORD = {"read-page", "read-api", "export"}
ROLES = sorted(ALLOWED)
ENDPOINTS = ("read-page", "read-api", "update-api", "export", "break-glass")
VENDOR_ROLES = {"bpo_admin", "supervisor", "vma", "trainer", "compliance_officer"}


def user_for(tenant: Tenant, role: str) -> Any:
    if role == "platform_operator":
        platform = OrganizationFactory(kind=OrganizationKind.PLATFORM)
        user = with_mfa(UserFactory(is_staff=True))
        MembershipFactory(user=user, organization=platform, role=Role.PLATFORM_OPERATOR)
        return user
    return getattr(tenant, role)


def call(client: Client, endpoint: str, patient: Patient) -> Any:
    pid = patient.pk
    if endpoint == "read-page":
        return client.get(f"/patients/{pid}/")
    if endpoint == "read-api":
        return client.get(f"/api/patients/{pid}")
    if endpoint == "update-api":
        return client.patch(
            f"/api/patients/{pid}",
            {"fields": {"phone": "212-555-0150"}},
            content_type="application/json",
        )
    if endpoint == "export":
        return client.get(f"/patients/{pid}/export/")
    return client.post(
        f"/patients/{pid}/break-glass/",
        {
            "reason_code": "urgent-care",
            "justification": "Matrix test: urgent care with staff unreachable.",
        },
    )


def succeeded(endpoint: str, response: Any) -> bool:
    return response.status_code == (302 if endpoint == "break-glass" else 200)


@pytest.mark.parametrize(
    "situation", ["same", "other", "baa-ended", "disposed", "own", "unassigned"]
)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    client: Client,
    tenant_a: Tenant,
    tenant_b: Tenant,
    patient_a: Patient,
    role: str,
    situation: str,
) -> None:
    if situation == "own" and role != "patient":
        pytest.skip("only patients have an own record")
    if situation == "unassigned" and role != "vma":
        pytest.skip("only VMAs need an assigned task")
    if situation == "baa-ended" and role not in VENDOR_ROLES:
        pytest.skip("only vendor roles depend on a BAA")
    subject_tenant = tenant_b if situation == "other" else tenant_a
    user = user_for(subject_tenant, role)
    if situation == "baa-ended":
        tenant_a.agreement.status = AgreementStatus.TERMINATED
        tenant_a.agreement.save()
    if situation == "disposed":
        patient_dispose(
            patient=patient_a, basis="approved-request", policy="matrix", approved_by=None
        )
    if situation == "own":
        patient_a.portal_user = user
        patient_a.save()
    if role == "vma" and situation not in ("unassigned", "disposed"):
        # A VMA works through tasks: give them one, so the other rules are what is tested.
        assign_task(tenant_a, patient_a, user)
    sign_in(client, user, mfa=role != "patient")
    expected = (
        OWN_RECORD if situation == "own" else (ALLOWED[role] if situation == "same" else set())
    )
    wrong = []
    for endpoint in ENDPOINTS:
        denied_before = AuditEvent.objects.filter(outcome="denied").count()
        response = call(client, endpoint, patient_a)
        allowed = endpoint in expected
        if succeeded(endpoint, response) != allowed:
            wrong.append(
                f"{endpoint}: got {response.status_code}, expected "
                f"{'success' if allowed else 'denial'}"
            )
        if not allowed:
            if response.status_code not in (403, 404):
                wrong.append(f"{endpoint}: a denial answered {response.status_code}")
            if AuditEvent.objects.filter(outcome="denied").count() <= denied_before:
                wrong.append(f"{endpoint}: the denial was not audited")
    assert wrong == []


CREATORS = {"practitioner", "client_admin"}
SEARCHERS = {"practitioner", "privacy_officer", "client_admin", "supervisor", "vma"}


@pytest.mark.parametrize("role", ROLES)
def test_create_and_search_by_role(
    client: Client, tenant_a: Tenant, patient_a: Patient, role: str
) -> None:
    sign_in(client, user_for(tenant_a, role), mfa=role != "patient")
    if role == "vma":
        assign_task(tenant_a, patient_a, tenant_a.vma)  # a VMA's search finds its tasks' patients
    before = AuditEvent.objects.filter(outcome="denied").count()
    created = client.post(
        "/api/patients/",
        {
            "fields": {
                "mrn": f"M-{role}",
                "given_name": "New",
                "family_name": "Person",
                "date_of_birth": "2000-01-01",
            }
        },
        content_type="application/json",
    )
    assert (created.status_code == 201) == (role in CREATORS), created.content
    searched = client.get("/api/patients/", {"family_name": "Ward", "date_of_birth": "1984-03-09"})
    assert (searched.status_code == 200) == (role in SEARCHERS), searched.content
    if role in SEARCHERS:
        assert [hit["id"] for hit in searched.json()] == [str(patient_a.pk)]
    denials = (role not in CREATORS) + (role not in SEARCHERS)
    assert AuditEvent.objects.filter(outcome="denied").count() - before >= denials
