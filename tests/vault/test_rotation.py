"""Key rotation: every value round-trips, with and without --reencrypt, under concurrent writes,
interrupted and resumed; old keys retire only when nothing refers to them."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.vault import keys, rotation
from steward.vault.fields import PATIENT_FIELDS
from steward.vault.models import KeyRotation, Patient
from steward.vault.plaintext import read_fields
from steward.vault.services import patient_create, patient_update
from tests.personas import Tenant
from tests.vault.conftest import values

ALL = list(PATIENT_FIELDS)
text = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


def snapshot(tenant_pk: object) -> dict[object, dict[str, Any]]:
    return {p.pk: read_fields(p, ALL) for p in Patient.objects.filter(tenant_id=tenant_pk)}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(st.tuples(text, text), min_size=1, max_size=4), reencrypt=st.booleans())
def test_rotation_round_trips_every_value(
    tenant_a: Tenant, names: list[tuple[str, str]], reencrypt: bool
) -> None:
    for given_name, notes in names:
        patient_create(
            tenant=tenant_a.practice, actor=None, values=values(given_name=given_name, notes=notes)
        )
    before = snapshot(tenant_a.practice.pk)
    versions_before = keys.provider().versions(tenant_a.practice.pk)
    run, _ = rotation.rotation_open(tenant=tenant_a.practice, reencrypt=reencrypt)
    rotation.rotate(run, batch=2)
    rotation.rotation_finish(run)
    assert snapshot(tenant_a.practice.pk) == before
    moved = Patient.objects.filter(tenant=tenant_a.practice)
    assert set(moved.values_list("kek_version", flat=True)) == {run.target_kek_version}
    if reencrypt:
        assert all(p.last_rotation_id == run.pk for p in moved)
    assert rotation.retire_unused(tenant=tenant_a.practice) == versions_before
    keys.clear_caches()
    assert snapshot(tenant_a.practice.pk) == before  # readable with the new key alone


def test_command_rotates_verifies_and_retires(make_patient: Any, tenant_a: Tenant) -> None:
    for _ in range(5):
        make_patient()
    before = snapshot(tenant_a.practice.pk)
    output = StringIO()
    call_command("rotate_keys", "--reencrypt", "--batch", "2", stdout=output, stderr=StringIO())
    assert "Verified 5 patients" in output.getvalue()
    assert "Retired key version(s) 1" in output.getvalue()
    assert keys.provider().versions(tenant_a.practice.pk) == [2]
    assert snapshot(tenant_a.practice.pk) == before


def test_an_interrupted_rotation_resumes(make_patient: Any, tenant_a: Tenant) -> None:
    for _ in range(6):
        make_patient()
    before = snapshot(tenant_a.practice.pk)
    run, _ = rotation.rotation_open(tenant=tenant_a.practice, reencrypt=True)

    def interrupt_after_first_batch(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(run, batch=2, progress=interrupt_after_first_batch)
    assert rotation.pending_count(run) == 4
    # Nothing may be retired while the rotation is open: some patients use the old key.
    assert rotation.retire_unused(tenant=tenant_a.practice) == []
    with pytest.raises(rotation.RotationConflict, match="finish it first"):
        rotation.rotation_open(tenant=tenant_a.practice, reencrypt=False)
    output = StringIO()
    call_command("rotate_keys", "--reencrypt", stdout=output, stderr=StringIO())
    assert "Resuming" in output.getvalue() and "4 patients" in output.getvalue()
    assert snapshot(tenant_a.practice.pk) == before
    assert KeyRotation.objects.get(tenant=tenant_a.practice).finished_at is not None


def test_a_conflicting_resume_is_a_clear_command_error(make_patient: Any, tenant_a: Tenant) -> None:
    make_patient()
    rotation.rotation_open(tenant=tenant_a.practice, reencrypt=True)
    with pytest.raises(CommandError, match="finish it first"):
        call_command("rotate_keys", stdout=StringIO(), stderr=StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_write_is_lost_while_rotating(tenant_a: Tenant, key_folder: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database locks whole tables across threads; "
            "concurrent writers are tested on PostgreSQL."
        )
    patients = [
        patient_create(tenant=tenant_a.practice, values=values(), actor=None) for _ in range(12)
    ]
    errors: list[BaseException] = []
    written: dict[object, str] = {}
    start = threading.Barrier(2)

    def writer() -> None:
        try:
            start.wait()
            for round_number in range(3):
                for patient in patients:
                    note = f"round {round_number} for {patient.pk}"
                    patient_update(patient=patient, changes={"notes": note}, actor=None)
                    written[patient.pk] = note
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    start.wait()
    run, _ = rotation.rotation_open(tenant=tenant_a.practice, reencrypt=True)
    rotation.rotate(run, batch=3)
    thread.join()
    assert errors == []
    # Patients written after their batch was re-encrypted still open; finish the run.
    rotation.rotate(run, batch=3)
    rotation.rotation_finish(run)
    for patient in patients:
        assert (
            read_fields(Patient.objects.get(pk=patient.pk), ["notes"])["notes"]
            == (written[patient.pk])
        )
