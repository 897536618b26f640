from __future__ import annotations

import itertools
from typing import Any

import pytest

from steward.vault.models import Patient
from steward.vault.services import patient_create
from tests.personas import Tenant

_numbers = itertools.count(1)


def values(**overrides: Any) -> dict[str, Any]:
    number = next(_numbers)
    base = {
        "mrn": f"T-{number:05d}",
        "given_name": "Amara",
        "family_name": f"Okafor{number}",
        "date_of_birth": "1984-03-09",
        "phone": f"+1 (212) 555-{100 + number % 100:04d}",
        "email": f"amara.{number}@example.com",
        "preferred_language": "Igbo",
        "interpreter_needed": True,
        "race": ["Black or African American"],
        "postal_address": {"line1": "1 Main St", "city": "Albany", "state": "NY"},
        "notes": "Prefers mornings.",
    }
    return base | overrides


@pytest.fixture
def make_patient(tenant_a: Tenant):  # type: ignore[no-untyped-def]
    def make(**overrides: Any) -> Patient:
        return patient_create(
            tenant=overrides.pop("tenant", tenant_a.practice),
            values=values(**overrides),
            actor=tenant_a.client_admin,
        )

    return make
