"""Append-only guard: triggers refuse UPDATE and DELETE on the audit trail's tables.

This stops application bugs and casual edits; it cannot stop someone who owns
the database (they can drop a trigger). That case is what the Merkle log and
its signed checkpoints are for: `steward audit verify` detects the change.

On SQLite, Django's `flush` (tests and development only) may empty the tables
while a row sits in `audit_trail_maintenance`; see the `flush` command.
"""

from django.db import migrations

APPEND_ONLY_TABLES = (
    "audit_auditevent",
    "audit_auditleaf",
    "audit_merklenode",
    "audit_checkpoint",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION steward_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for table in APPEND_ONLY_TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION steward_audit_append_only()"
                )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS audit_trail_maintenance (reason TEXT NOT NULL)"
            )
            for table in APPEND_ONLY_TABLES:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} WHEN NOT EXISTS (SELECT 1 FROM audit_trail_maintenance) "
                        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
                    )
        else:  # pragma: no cover - only the two supported databases
            raise RuntimeError(f"No append-only triggers for {connection.vendor}.")


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS steward_audit_append_only()")
        else:
            cursor.execute("DROP TABLE IF EXISTS audit_trail_maintenance")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
