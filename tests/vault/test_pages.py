from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from steward.vault.models import Patient, PatientStatus
from steward.vault.services import disposal_request_create
from tests.conftest import sign_in
from tests.personas import Tenant


def test_privacy_officer_decides_a_request_without_seeing_phi(
    client: Client, tenant_a: Tenant, make_patient: Any
) -> None:
    patient = make_patient(given_name="Ngozi")
    request = disposal_request_create(
        patient=patient, requested_by=tenant_a.client_admin, reason="Transferred; asked for erasure"
    )
    sign_in(client, tenant_a.privacy_officer)
    page = client.get(reverse("vault:records"))
    assert page.status_code == 200
    assert str(patient.pk).encode() in page.content and b"Ngozi" not in page.content
    response = client.post(reverse("vault:decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).status == PatientStatus.DISPOSED
    after = client.get(reverse("vault:records"))
    assert b"approved-request" in after.content


def test_retention_policy_form(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.privacy_officer)
    bad = client.post(reverse("vault:records"), {"years_after_last_activity": "0"})
    assert "years_after_last_activity" in bad.context["form"].errors
    client.post(reverse("vault:records"), {"years_after_last_activity": "10"})
    assert tenant_a.practice.retention_policy.years_after_last_activity == 10


def test_who_may_see_and_decide(client: Client, tenant_a: Tenant, make_patient: Any) -> None:
    request = disposal_request_create(
        patient=make_patient(), requested_by=tenant_a.client_admin, reason="duplicate"
    )
    sign_in(client, tenant_a.client_admin)
    assert client.get(reverse("vault:records")).status_code == 200
    assert (
        client.post(reverse("vault:decide", args=[request.pk]), {"decision": "approve"}).status_code
        == 403
    )
    assert (
        client.post(reverse("vault:records"), {"years_after_last_activity": "9"}).status_code == 403
    )
    sign_in(client, tenant_a.vma)
    assert client.get(reverse("vault:records")).status_code == 403


def test_another_practices_request_is_404(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, make_patient: Any
) -> None:
    request = disposal_request_create(
        patient=make_patient(), requested_by=tenant_a.client_admin, reason="x"
    )
    sign_in(client, tenant_b.privacy_officer)
    response = client.post(reverse("vault:decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 404
