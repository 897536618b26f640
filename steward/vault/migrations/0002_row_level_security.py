"""PostgreSQL row-level security on the patient table (defence in depth; see core/dbscope.py).

A row is visible only when its tenant is listed in the transaction-local
setting ``app.tenant_ids``; FORCE makes the table's owner obey it too. The
role ``steward_app`` (no login, no BYPASSRLS) is what web processes switch to;
creating it needs CREATEROLE, and where the migrating user lacks that, the
step is skipped with a notice and a DBA creates the role (docs/deploy.md).
SQLite has no row-level security: nothing is done there.
"""

from django.db import migrations

VISIBLE = (
    "tenant_id = ANY (string_to_array(NULLIF(current_setting('app.tenant_ids', true), ''), "
    "',')::uuid[])"
)

FORWARD = f"""
ALTER TABLE vault_patient ENABLE ROW LEVEL SECURITY;
ALTER TABLE vault_patient FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_patient_tenant_isolation ON vault_patient
    USING ({VISIBLE}) WITH CHECK ({VISIBLE});
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_app') THEN
        CREATE ROLE steward_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
    EXECUTE 'GRANT steward_app TO ' || quote_ident(current_user);
    GRANT USAGE ON SCHEMA public TO steward_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO steward_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO steward_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO steward_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO steward_app;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'steward_app was not created or granted (needs CREATEROLE): see docs/deploy.md';
END
$$;
"""

BACKWARD = """
DROP POLICY IF EXISTS vault_patient_tenant_isolation ON vault_patient;
ALTER TABLE vault_patient NO FORCE ROW LEVEL SECURITY;
ALTER TABLE vault_patient DISABLE ROW LEVEL SECURITY;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("vault", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
