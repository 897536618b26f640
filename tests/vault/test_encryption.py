"""Field encryption: round trips, integrity binding, and what an insider cannot do."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from steward.audit.models import AuditEvent
from steward.vault.fields import PATIENT_FIELDS
from steward.vault.models import Patient
from steward.vault.plaintext import PatientDisposed, VaultIntegrityError, read_fields
from steward.vault.services import patient_create, patient_update
from tests.personas import Tenant
from tests.vault.conftest import values


def sql(statement: str, params: tuple[Any, ...]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_values_round_trip_normalised(make_patient: Any) -> None:
    patient = make_patient(mrn=" t 77 ", phone="(212) 555-0177", email=" Amara@Example.COM ")
    fresh = Patient.objects.get(pk=patient.pk)
    opened = read_fields(
        fresh,
        ["mrn", "phone", "email", "race", "interpreter_needed", "postal_address", "date_of_birth"],
    )
    assert opened == {
        "mrn": "T77",
        "phone": "+12125550177",
        "email": "amara@example.com",
        "race": ["Black or African American"],
        "interpreter_needed": True,
        "postal_address": {"line1": "1 Main St", "city": "Albany", "state": "NY"},
        "date_of_birth": "1984-03-09",
    }


def test_only_the_fields_asked_for_are_opened(make_patient: Any) -> None:
    patient = make_patient()
    assert set(read_fields(patient, ["given_name"])) == {"given_name"}
    with pytest.raises(ValueError, match="Not patient fields"):
        read_fields(patient, ["given_name", "ssn"])


def test_every_identifying_field_is_stored_as_ciphertext(make_patient: Any) -> None:
    patient = make_patient(given_name="Zebulon")
    row = Patient.objects.filter(pk=patient.pk).values(*[f"enc_{n}" for n in PATIENT_FIELDS]).get()
    assert bytes(row["enc_given_name"])[:1] == b"\x01"
    assert b"Zebulon" not in b"".join(bytes(v) for v in row.values() if v is not None)


@pytest.mark.parametrize(
    "source_field, target_field, same_patient",
    [
        ("given_name", "given_name", False),  # copied to another patient
        ("family_name", "given_name", True),  # copied to another field of the same patient
    ],
)
def test_a_copied_ciphertext_fails_and_is_logged(
    make_patient: Any, source_field: str, target_field: str, same_patient: bool
) -> None:
    victim = make_patient(given_name="Imani", family_name="Ward")
    donor = victim if same_patient else make_patient(given_name="Mallory")
    blob = Patient.objects.filter(pk=donor.pk).values_list(f"enc_{source_field}", flat=True).get()
    sql(
        f"UPDATE vault_patient SET enc_{target_field} = %s WHERE id = %s",
        (bytes(blob), victim.pk.hex if connection.vendor == "sqlite" else victim.pk),
    )
    with pytest.raises(VaultIntegrityError) as error:
        read_fields(Patient.objects.get(pk=victim.pk), [target_field])
    assert "Mallory" not in str(error.value) and "Ward" not in str(error.value)
    event = AuditEvent.objects.get(event="vault.integrity-failure")
    assert event.outcome == "error" and event.patient_id == victim.pk
    assert event.record["entity"]["fields"] == [target_field]


def test_a_flipped_bit_fails(make_patient: Any) -> None:
    patient = make_patient()
    blob = bytearray(
        Patient.objects.filter(pk=patient.pk).values_list("enc_email", flat=True).get()
    )
    blob[-1] ^= 1
    sql(
        "UPDATE vault_patient SET enc_email = %s WHERE id = %s",
        (bytes(blob), patient.pk.hex if connection.vendor == "sqlite" else patient.pk),
    )
    with pytest.raises(VaultIntegrityError):
        read_fields(Patient.objects.get(pk=patient.pk), ["email"])


def test_a_wrapped_key_moved_to_another_patient_does_not_open(make_patient: Any) -> None:
    from steward.vault.keys import WrongKey

    first, second = make_patient(), make_patient()
    Patient.objects.filter(pk=second.pk).update(
        wrapped_dek=first.wrapped_dek, kek_version=first.kek_version
    )
    with pytest.raises(WrongKey):
        read_fields(Patient.objects.get(pk=second.pk), ["given_name"])


@pytest.mark.parametrize(
    "field, bad, message",
    [
        ("phone", "not a number", "not a phone number"),
        ("email", "nobody-at-all", "valid email"),
        ("date_of_birth", "1984-13-40", "YYYY-MM-DD"),
        ("date_of_birth", "2999-01-01", "between 1900 and today"),
        ("race", ["Martian"], "Not an OMB category"),
        ("sex_at_birth", "sometimes", "Choose one of"),
        ("interpreter_needed", "perhaps", "yes or no"),
        ("mrn", "", "required"),
        ("postal_address", {"planet": "Mars"}, "Give only"),
    ],
)
def test_bad_values_are_refused_per_field_and_nothing_is_saved(
    tenant_a: Tenant, field: str, bad: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        patient_create(tenant=tenant_a.practice, values=values(**{field: bad}), actor=None)
    assert message in str(error.value.message_dict[field])
    assert not Patient.objects.exists()


def test_patients_belong_to_practices_only(tenant_a: Tenant) -> None:
    with pytest.raises(ValidationError, match="covered entity"):
        patient_create(tenant=tenant_a.bpo, values=values(), actor=None)


def test_mrn_is_unique_within_a_practice_only(make_patient: Any, tenant_b: Tenant) -> None:
    make_patient(mrn="DUP-1")
    with pytest.raises(ValidationError) as error:
        make_patient(mrn="dup-1")
    assert "mrn" in error.value.message_dict
    make_patient(mrn="DUP-1", tenant=tenant_b.practice)  # another practice: fine


def test_updates_are_sealed_and_recorded_by_field_name(make_patient: Any, tenant_a: Tenant) -> None:
    patient = make_patient()
    patient_update(
        patient=patient,
        changes={"phone": "212-555-0199", "notes": "Call after 3."},
        actor=tenant_a.client_admin,
    )
    assert read_fields(Patient.objects.get(pk=patient.pk), ["phone"])["phone"] == "+12125550199"
    updated = AuditEvent.objects.get(event="patient.updated")
    assert updated.record["entity"]["fields"] == ["notes", "phone"]
    # Ids in the event are hex, so look for the values themselves, not digit runs.
    for value in ("+12125550199", "212-555-0199", "Call after 3."):
        assert value not in updated.canonical


def test_a_disposed_patient_cannot_be_read_or_changed(make_patient: Any) -> None:
    from steward.vault.services import patient_dispose

    patient = make_patient()
    patient_dispose(patient=patient, basis="approved-request", policy="test", approved_by=None)
    fresh = Patient.objects.get(pk=patient.pk)
    with pytest.raises(PatientDisposed):
        read_fields(fresh, ["given_name"])
    with pytest.raises(PatientDisposed):
        patient_update(patient=fresh, changes={"notes": "x"}, actor=None)
