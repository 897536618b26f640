"""A stolen database reveals no seeded patient's name, phone, email or MRN.

The whole database is read as bytes — the SQLite file (written with VACUUM INTO
from the test database) or a pg_dump of the PostgreSQL one — and searched for
known plaintexts.
"""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from steward.vault.models import Patient
from steward.vault.plaintext import read_many


def database_bytes(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    settings = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        check=True,
        env=environment,
    )
    return dump.stdout


@pytest.mark.django_db(transaction=True)  # pg_dump must see committed rows
def test_no_seeded_plaintext_is_in_the_raw_database(tmp_path: Path) -> None:
    call_command("seed_demo", stdout=StringIO(), verbosity=0)
    patients = Patient.objects.filter(portal_user__isnull=True)
    fields = ["mrn", "given_name", "family_name", "phone", "email"]
    plaintexts = set()
    for values in read_many(patients, fields):
        # Single first names also occur in staff names ("Aaron"), so names are searched whole.
        plaintexts.add(f"{values['given_name']} {values['family_name']}")
        plaintexts.update(values[name] for name in ("mrn", "phone", "email") if values[name])
    assert len(plaintexts) > 1500
    raw = database_bytes(tmp_path)
    assert len(raw) > 100_000
    found = [text for text in plaintexts if text.encode() in raw]
    assert found == []
    # The search itself works: a value we know is stored in clear is found.
    assert b"Maple Grove Family Practice" in raw
