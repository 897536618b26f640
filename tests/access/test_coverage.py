"""Coverage guard: no endpoint touches patient data except through the gate.

Two nets, so a new endpoint cannot slip past both:

- statically, every URL pattern that takes a patient id, the portal's record page and every
  operation of the patients API must be declared through the gate (``@gated``);
- dynamically, walking every URL pattern as several roles, the patient table is queried only
  inside a tenant scope (which only the gate and patient-free counters open) — the same
  discipline PostgreSQL row-level security enforces in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from steward.access.registry import is_gated
from steward.api.api import api
from steward.core.dbscope import in_tenant_scope
from steward.vault.models import Patient
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.urlwalk import SAMPLE_BY_CONVERTER, walk

SAMPLE_UUID = SAMPLE_BY_CONVERTER["uuid"]


def patient_routes() -> list[Any]:
    return [url for url in walk() if "patient_id" in url.route or url.name == "portal:record"]


def test_the_walk_sees_the_patient_endpoints() -> None:
    names = {url.name for url in patient_routes()}
    assert {
        "access:patient",
        "access:edit",
        "access:export",
        "access:break-glass",
        "access:disclosures",
        "portal:record",
    } <= names


def test_every_patient_page_is_declared_through_the_gate() -> None:
    # API routes dispatch to ninja operations, checked one by one below.
    pages = [url for url in patient_routes() if not url.name.startswith("api:")]
    undeclared = [url.name or url.path for url in pages if not is_gated(url.callback)]
    assert undeclared == []


def test_every_patients_api_operation_is_declared_through_the_gate() -> None:
    operations = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                operations.append((prefix + path, operation.view_func))
    patient_operations = [(p, f) for p, f in operations if "patients" in p]
    assert len(patient_operations) >= 4
    assert [p for p, f in patient_operations if not is_gated(f)] == []


@pytest.fixture
def patient_guard() -> Iterator[list[str]]:
    """Record every query of the patient table made outside a tenant scope."""
    violations: list[str] = []

    def guard(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if re.search(r"\bvault_patient\b", sql) and not in_tenant_scope():
            violations.append(sql[:200])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield violations


@pytest.mark.parametrize(
    "persona", ["practitioner", "vma", "privacy_officer", "client_admin", "patient"]
)
def test_no_page_queries_patients_outside_the_gate(
    client: Client, tenant_a: Tenant, patient_a: Patient, patient_guard: list[str], persona: str
) -> None:
    if persona == "patient":
        patient_a.portal_user = tenant_a.patient
        patient_a.save()
    sign_in(client, getattr(tenant_a, persona), mfa=persona != "patient")
    patient_guard.clear()
    visited = 0
    for url in walk():
        if url.path.startswith(("/ops/admin/", "/accounts/")) or url.name in (
            "account_logout",
            "web:keepalive",
        ):
            continue
        client.get(url.path.replace(SAMPLE_UUID, str(patient_a.pk)))
        visited += 1
    assert visited > 30
    assert patient_guard == []
