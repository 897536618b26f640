"""Row-level security on sealed texts, as on patients (see 0002 and core/dbscope.py)."""

from django.db import migrations

VISIBLE = (
    "tenant_id = ANY (string_to_array(NULLIF(current_setting('app.tenant_ids', true), ''), "
    "',')::uuid[])"
)

FORWARD = f"""
ALTER TABLE vault_sealedtext ENABLE ROW LEVEL SECURITY;
ALTER TABLE vault_sealedtext FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_sealedtext_tenant_isolation ON vault_sealedtext
    USING ({VISIBLE}) WITH CHECK ({VISIBLE});
"""

BACKWARD = """
DROP POLICY IF EXISTS vault_sealedtext_tenant_isolation ON vault_sealedtext;
ALTER TABLE vault_sealedtext NO FORCE ROW LEVEL SECURITY;
ALTER TABLE vault_sealedtext DISABLE ROW LEVEL SECURITY;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("vault", "0003_sealed_text")]

    operations = [migrations.RunPython(forward, backward)]
