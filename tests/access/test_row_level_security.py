"""PostgreSQL row-level security: with the application role, a raw read of the patient table
without the transaction's tenant setting returns nothing, and the gate still works."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from steward.access import gate
from steward.vault.models import Patient
from tests.access.conftest import subject_for
from tests.personas import Tenant

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row-level security is PostgreSQL's; SQLite (development) has no such layer.")


def as_application(
    statement: str, params: tuple[object, ...] = (), tenants: str = ""
) -> list[tuple[object, ...]]:
    """Run ``statement`` as the web processes' role, in a transaction whose tenant setting is
    ``tenants`` (the test's own transaction still carries the fixtures' setting: clear it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE steward_app")
        cursor.execute("SELECT set_config('app.tenant_ids', %s, true)", [tenants])
        cursor.execute(statement, params)
        return cursor.fetchall()


def test_the_policy_is_forced_on_the_patient_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'vault_patient'"
        )
        assert cursor.fetchone() == (True, True)
        cursor.execute("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'steward_app'")
        assert cursor.fetchone() == (False, False)


def test_a_raw_read_without_the_setting_returns_no_rows(
    patient_a: Patient, patient_b: Patient
) -> None:
    assert Patient.objects.count() == 2  # the owner's view in this test
    assert as_application("SELECT count(*) FROM vault_patient") == [(0,)]


def test_the_setting_shows_exactly_its_tenants(
    tenant_a: Tenant, patient_a: Patient, patient_b: Patient
) -> None:
    rows = as_application("SELECT id FROM vault_patient", tenants=str(tenant_a.practice.pk))
    assert [row[0] for row in rows] == [patient_a.pk]


def test_writes_cannot_reach_or_move_rows_outside_the_scope(
    tenant_a: Tenant, tenant_b: Tenant, patient_a: Patient
) -> None:
    from django.db import DatabaseError

    # Without the setting an update finds nothing to change...
    assert as_application("UPDATE vault_patient SET status = status RETURNING id") == []
    # ...and with it, a row cannot be moved into another practice.
    with pytest.raises(DatabaseError, match="row-level security"):
        as_application(
            "UPDATE vault_patient SET tenant_id = %s RETURNING id",
            (str(tenant_b.practice.pk),),
            tenants=str(tenant_a.practice.pk),
        )


def test_the_gate_reads_under_the_application_role(tenant_a: Tenant, patient_a: Patient) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE steward_app")
            cursor.execute("SELECT set_config('app.tenant_ids', '', true)")
            cursor.execute("SELECT count(*) FROM vault_patient")
            assert cursor.fetchone() == (0,)  # nothing visible before the gate scopes
        reading = gate.read(
            subject=subject_for(tenant_a.practitioner),
            patient_id=patient_a.pk,
            purpose_code="treatment",
        )
        assert reading.values["given_name"] == "Imani"


def test_a_configured_application_role_is_switched_to_on_connect(settings: object) -> None:
    from steward.core.dbscope import _switch_to_application_role

    settings.STEWARD_DB_APP_ROLE = "steward_app"  # type: ignore[attr-defined]
    with transaction.atomic():
        _switch_to_application_role(sender=None, connection=connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == ("steward_app",)
            cursor.execute("RESET ROLE")
