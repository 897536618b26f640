"""Keys outside the database: clear errors when one is missing or wrong."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from steward.core.keyfiles import KeyFileError
from steward.vault import keys
from steward.vault.models import Patient
from steward.vault.plaintext import read_fields
from tests.personas import Tenant


def kek_file(key_dir: Path, patient: Patient) -> Path:
    return key_dir / "kek" / str(patient.tenant_id) / f"v{patient.kek_version}.key"


def test_key_files_are_private_and_outside_the_database(
    make_patient: Any, key_folder: Path
) -> None:
    patient = make_patient()
    path = kek_file(key_folder, patient)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(path.read_bytes()) == 32
    root = key_folder / keys.BLIND_INDEX_ROOT_FILE
    assert oct(root.stat().st_mode & 0o777) == "0o600"


def test_a_missing_key_file_is_a_clear_error(make_patient: Any, key_folder: Path) -> None:
    patient = make_patient()
    kek_file(key_folder, patient).unlink()
    keys.clear_caches()
    with pytest.raises(KeyFileError, match="missing. Restore it from your key backup"):
        read_fields(Patient.objects.get(pk=patient.pk), ["given_name"])
    with pytest.raises(SystemCheckError, match="steward.vault.E001"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_a_wrong_key_file_is_a_clear_error_not_garbage(make_patient: Any, key_folder: Path) -> None:
    patient = make_patient()
    path = kek_file(key_folder, patient)
    path.chmod(0o600)
    path.write_bytes(os.urandom(32))
    keys.clear_caches()
    with pytest.raises(keys.WrongKey, match="not the key the data was sealed with"):
        read_fields(Patient.objects.get(pk=patient.pk), ["given_name"])
    with pytest.raises(SystemCheckError, match="not the key the data was sealed with"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_a_truncated_key_file_is_a_clear_error(make_patient: Any, key_folder: Path) -> None:
    patient = make_patient()
    kek_file(key_folder, patient).write_bytes(b"short")
    keys.clear_caches()
    with pytest.raises(KeyFileError, match="not a 256-bit key"):
        read_fields(Patient.objects.get(pk=patient.pk), ["given_name"])


def test_production_never_invents_a_first_key(tenant_a: Tenant, settings: Any) -> None:
    from steward.vault.services import patient_create
    from tests.vault.conftest import values

    settings.STEWARD_KEYS_AUTOCREATE = False
    with pytest.raises(KeyFileError, match="rotate_keys --tenant"):
        patient_create(tenant=tenant_a.practice, values=values(), actor=None)
    call_command(
        "rotate_keys", "--initial", "--tenant", str(tenant_a.practice.pk), stdout=StringIO()
    )
    patient_create(tenant=tenant_a.practice, values=values(), actor=None)


def test_check_is_quiet_when_keys_are_right(make_patient: Any) -> None:
    make_patient()
    call_command("check", stdout=StringIO(), stderr=StringIO())
