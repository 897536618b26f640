from __future__ import annotations

from django.test import Client

from tests.conftest import sign_in
from tests.personas import Tenant


def test_health_answers_without_a_session(client: Client) -> None:
    response = client.get("/api/health", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "request_id": "req-12345678"}
    assert response["X-Request-ID"] == "req-12345678"


def test_malformed_request_ids_are_replaced(client: Client) -> None:
    response = client.get("/api/health", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_me_requires_a_session(client: Client) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["reason"] == "not-authenticated"


def test_me_lists_memberships(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    body = client.get("/api/me").json()
    assert body["email"] == tenant_a.vma.email
    assert body["memberships"] == [
        {
            "organization_id": str(tenant_a.bpo.pk),
            "organization": tenant_a.bpo.short_name,
            "role": "vma",
            "active": True,
        }
    ]


def test_openapi_schema_is_served(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Steward API"
    assert "/api/me" in schema["paths"]
