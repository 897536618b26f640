from django.db import migrations

from steward.access.purposes import DEFAULT_PURPOSES


def create(apps, schema_editor):
    PurposeOfUse = apps.get_model("access", "PurposeOfUse")
    for purpose in DEFAULT_PURPOSES:
        PurposeOfUse.objects.update_or_create(
            code=purpose["code"],
            defaults={
                "name": purpose["name"],
                "description": purpose["description"],
                "fields": list(purpose["fields"]),
                "roles": [str(role) for role in purpose["roles"]],
                "emergency_only": purpose.get("emergency_only", False),
            },
        )


def remove(apps, schema_editor):
    PurposeOfUse = apps.get_model("access", "PurposeOfUse")
    PurposeOfUse.objects.filter(code__in=[p["code"] for p in DEFAULT_PURPOSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
