"""Purposes the consent catalogue needs: reminders per channel, processing by the vendor,
and de-identified quality and fairness analytics."""

from django.db import migrations

NEW = [
    {"code": "reminders-sms", "name": "Reminders by SMS",
     "description": "Text-message reminders of appointments and tasks.",
     "fields": ["given_name", "preferred_name", "phone", "preferred_language"],
     "roles": ["vma", "supervisor"]},
    {"code": "reminders-email", "name": "Reminders by email",
     "description": "Email reminders of appointments and tasks.",
     "fields": ["given_name", "preferred_name", "email", "preferred_language"],
     "roles": ["vma", "supervisor"]},
    {"code": "vendor-processing", "name": "Processing by the outsourcing vendor",
     "description": "The practice's business associate (a BPO whose assistants work remotely) "
                    "handles the record under a business associate agreement.",
     "fields": [], "roles": []},
    {"code": "fairness-analytics", "name": "Quality and fairness analytics",
     "description": "De-identified analysis of how patients of different groups are served.",
     "fields": ["date_of_birth", "sex_at_birth", "gender_identity", "race", "ethnicity",
                "preferred_language", "interpreter_needed", "disability"],
     "roles": []},
]


def forward(apps, schema_editor):
    PurposeOfUse = apps.get_model("access", "PurposeOfUse")
    for purpose in NEW:
        PurposeOfUse.objects.update_or_create(code=purpose["code"], defaults={
            k: v for k, v in purpose.items() if k != "code"})
    # One "reminders" purpose becomes one per channel, so consent can differ by channel.
    PurposeOfUse.objects.filter(code="reminders").update(is_active=False)


def backward(apps, schema_editor):
    PurposeOfUse = apps.get_model("access", "PurposeOfUse")
    PurposeOfUse.objects.filter(code__in=[p["code"] for p in NEW]).delete()
    PurposeOfUse.objects.filter(code="reminders").update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_default_purposes")]

    operations = [migrations.RunPython(forward, backward)]
