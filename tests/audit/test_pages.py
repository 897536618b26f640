"""The audit trail's pages and API: scoping, filters, exports, proofs."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from steward.audit.models import AuditEvent
from steward.audit.sealing import seal_pending
from steward.audit.services import event_record
from steward.audit.standalone import verify_bundle
from tests.conftest import sign_in
from tests.personas import Tenant


@pytest.fixture
def trail(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, AuditEvent]:
    return {
        "a_read": event_record(
            event="patient.read",
            actor=tenant_a.practitioner,
            tenant=tenant_a.practice,
            patient_id="8c5b0f6e-8d8e-4c9a-9a3e-1f2b3c4d5e6f",
            purpose="treatment",
            fields=("given_name",),
        ),
        "a_denied": event_record(
            event="patient.read",
            outcome="denied",
            actor=tenant_a.vma,
            tenant=tenant_a.practice,
            reasons=("no-active-assignment",),
        ),
        "a_glass": event_record(
            event="patient.read",
            actor=tenant_a.supervisor,
            tenant=tenant_a.practice,
            break_glass=True,
        ),
        "b_read": event_record(
            event="patient.read", actor=tenant_b.practitioner, tenant=tenant_b.practice
        ),
    }


def listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("audit:event-list"), params)
    assert response.status_code == 200
    return [str(e.event_id) for e in response.context["page"]]


def test_privacy_officer_sees_only_their_organisation(
    client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
) -> None:
    sign_in(client, tenant_a.privacy_officer)
    seen = listed(client)
    assert str(trail["a_read"].event_id) in seen
    assert str(trail["b_read"].event_id) not in seen
    other = client.get(reverse("audit:event-detail", args=[trail["b_read"].event_id]))
    assert other.status_code == 404


def test_filters(client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]) -> None:
    sign_in(client, tenant_a.auditor)
    assert listed(client, outcome="denied") == [str(trail["a_denied"].event_id)]
    assert listed(client, break_glass="yes") == [str(trail["a_glass"].event_id)]
    assert listed(client, patient=str(trail["a_read"].patient_id)) == [
        str(trail["a_read"].event_id)
    ]
    assert listed(client, actor=tenant_a.vma.email) == [str(trail["a_denied"].event_id)]
    assert str(trail["a_read"].event_id) in listed(client, event="patient.read")


def test_bad_filters_are_inline_errors(
    client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
) -> None:
    sign_in(client, tenant_a.auditor)
    response = client.get(
        reverse("audit:event-list"),
        {"patient": "not-a-uuid", "since": "2026-05-01", "until": "2026-04-01"},
    )
    assert response.status_code == 200
    assert {"patient", "until"} <= set(response.context["form"].errors)
    assert list(response.context["page"]) == []


def test_vma_cannot_read_the_trail(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    assert client.get(reverse("audit:event-list")).status_code == 403


def test_fhir_export_is_a_valid_r4_bundle_and_is_itself_audited(
    client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    sign_in(client, tenant_a.privacy_officer)
    response = client.get(reverse("audit:event-list"), {"format": "fhir"})
    assert response["Content-Disposition"].startswith("attachment")
    payload = json.loads(response.content)
    bundle = Bundle.model_validate(payload)
    assert bundle.type == "collection"
    resources = {entry.resource.id: entry.resource for entry in bundle.entry}
    glass = resources[str(trail["a_glass"].event_id)]
    assert glass.purposeOfEvent[0].coding[0].code == "BTG"
    read = resources[str(trail["a_read"].event_id)]
    assert read.type.code == "110110" and read.action == "R" and read.outcome == "0"
    assert read.entity[0].role.code == "1"
    assert resources[str(trail["a_denied"].event_id)].outcome == "4"
    assert AuditEvent.objects.filter(
        event="audit.exported", actor_id=tenant_a.privacy_officer.pk
    ).exists()


def test_event_page_offers_a_bundle_that_verifies(
    client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
) -> None:
    sign_in(client, tenant_a.privacy_officer)
    url = reverse("audit:event-bundle", args=[trail["a_read"].event_id])
    assert client.get(url).status_code == 404  # not sealed yet
    seal_pending()
    detail = client.get(reverse("audit:event-detail", args=[trail["a_read"].event_id]))
    assert b"download a verification bundle" in detail.content
    bundle = json.loads(client.get(url).content)
    assert verify_bundle(bundle) == []


class TestApi:
    def test_the_verifier_key_is_public(self, client: Client) -> None:
        body = client.get("/api/audit/key").json()
        assert body["verifier_key"].startswith(body["origin"] + "+")

    def test_inclusion_proof_for_own_events_only(
        self, client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
    ) -> None:
        seal_pending()
        sign_in(client, tenant_a.auditor)
        own = client.get("/api/audit/proofs/inclusion", {"event_id": str(trail["a_read"].event_id)})
        assert own.status_code == 200
        assert own.json()["tree_size"] >= 4
        other = client.get(
            "/api/audit/proofs/inclusion", {"event_id": str(trail["b_read"].event_id)}
        )
        assert other.status_code == 404 and other.json()["reason"] == "not-found"
        bad = client.get("/api/audit/proofs/inclusion", {"event_id": "nope"})
        assert bad.status_code == 422 and bad.json()["reason"] == "invalid-input"

    def test_consistency_and_checkpoints(self, client: Client, tenant_a: Tenant) -> None:
        event_record(event="test.one")
        seal_pending()
        event_record(event="test.two")
        first = seal_pending().tree_size
        sign_in(client, tenant_a.vma)
        latest = client.get("/api/audit/checkpoints/latest").json()
        assert latest["tree_size"] == first
        answer = client.get(
            "/api/audit/proofs/consistency", {"first": first - 1, "second": first}
        ).json()
        assert answer["first"] == first - 1 and answer["proof"]
        missing = client.get("/api/audit/checkpoints/999999")
        assert missing.status_code == 404

    def test_inclusion_needs_an_audit_role(
        self, client: Client, tenant_a: Tenant, trail: dict[str, AuditEvent]
    ) -> None:
        sign_in(client, tenant_a.vma)
        response = client.get(
            "/api/audit/proofs/inclusion", {"event_id": str(trail["a_read"].event_id)}
        )
        assert response.status_code == 403
