from __future__ import annotations

from django.db import connection

from steward.audit.models import AuditEvent
from steward.audit.services import event_record

TABLES = ("audit_auditevent", "audit_auditleaf", "audit_merklenode", "audit_checkpoint")


def record_some(count: int, *, event: str = "test.happened", **fields: object) -> list[AuditEvent]:
    return [event_record(event=event, detail={"n": n}, **fields) for n in range(count)]  # type: ignore[arg-type]


def drop_append_only_guard() -> None:
    """What an attacker with the database owner's rights would do first."""
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
