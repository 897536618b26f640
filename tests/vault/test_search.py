"""Blind-index look-ups find exact matches and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from steward.vault import blind
from steward.vault.selectors import patients_matching
from tests.personas import Tenant


@pytest.fixture
def people(make_patient: Any) -> dict[str, Any]:
    return {
        "amara": make_patient(
            mrn="A-100",
            family_name="Okafor",
            date_of_birth="1984-03-09",
            phone="212-555-0101",
            email="amara@example.com",
        ),
        "twin": make_patient(
            mrn="A-101",
            family_name="Okafor",
            date_of_birth="1984-03-09",
            phone="212-555-0102",
            email="twin@example.com",
        ),
        "other": make_patient(
            mrn="A-102",
            family_name="Okafor",
            date_of_birth="1990-01-01",
            phone="212-555-0103",
            email="other@example.com",
        ),
    }


def test_exact_matches_after_normalisation(tenant_a: Tenant, people: dict[str, Any]) -> None:
    practice = tenant_a.practice
    assert patients_matching(tenant=practice, mrn=" a-100 ") == [people["amara"]]
    assert patients_matching(tenant=practice, phone="+1 (212) 555-0101") == [people["amara"]]
    assert patients_matching(tenant=practice, email="AMARA@example.COM") == [people["amara"]]
    pair = patients_matching(tenant=practice, family_name="  OKAFOR ", date_of_birth="1984-03-09")
    assert {p.pk for p in pair} == {people["amara"].pk, people["twin"].pk}
    both = patients_matching(
        tenant=practice, family_name="okafor", date_of_birth="1984-03-09", phone="2125550102"
    )
    assert both == [people["twin"]]


@pytest.mark.parametrize(
    "query",
    [
        {"mrn": "A-10"},
        {"mrn": "A-1000"},
        {"phone": "212-555-0109"},
        {"email": "amara@example.org"},
        {"family_name": "Okafo", "date_of_birth": "1984-03-09"},
        {"family_name": "Okafor", "date_of_birth": "1984-03-10"},
    ],
)
def test_near_misses_find_nothing(
    tenant_a: Tenant, people: dict[str, Any], query: dict[str, str]
) -> None:
    assert patients_matching(tenant=tenant_a.practice, **query) == []


def test_another_practice_sees_nothing(tenant_b: Tenant, people: dict[str, Any]) -> None:
    assert patients_matching(tenant=tenant_b.practice, mrn="A-100") == []


def test_indexes_differ_between_practices(tenant_a: Tenant, tenant_b: Tenant) -> None:
    same = "A-100"
    assert blind.digest("mrn", tenant_a.practice.pk, same) != blind.digest(
        "mrn", tenant_b.practice.pk, same
    )
    assert blind.digest("mrn", tenant_a.practice.pk, same) != blind.digest(
        "phone", tenant_a.practice.pk, same
    )


def test_index_collisions_are_removed_by_the_recheck(
    tenant_a: Tenant, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Make every index value collide, as a very short truncation would.
    monkeypatch.setattr(blind, "digest", lambda index, tenant, value: "00")
    from steward.vault.models import Patient

    Patient.objects.update(bi_family_dob="00")
    found = patients_matching(
        tenant=tenant_a.practice, family_name="Okafor", date_of_birth="1990-01-01"
    )
    assert found == [people["other"]]


def test_an_impossible_phone_number_is_a_clear_error(tenant_a: Tenant) -> None:
    with pytest.raises(blind.NormalisationError, match="not a phone number"):
        patients_matching(tenant=tenant_a.practice, phone="call me")
