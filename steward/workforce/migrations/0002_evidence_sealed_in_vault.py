"""Screening evidence moves from files on disk into the vault, sealed under the vendor's key.

Forward: every stored file is read, sealed as a ``vault.SealedDocument`` and removed from
storage. Backward: each document is opened and written back where the file used to be.
"""

import django.db.models.deletion
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models

import steward.workforce.models.screening


def seal_files(apps, schema_editor):
    import hashlib
    import uuid

    from steward.vault.documents import seal_bytes

    Evidence = apps.get_model("workforce", "ScreeningEvidence")
    Document = apps.get_model("vault", "SealedDocument")
    for evidence in Evidence.objects.select_related("screening").order_by("pk"):
        with default_storage.open(evidence.file.name, "rb") as handle:
            data = handle.read()
        tenant_id = evidence.screening.tenant_id
        document_id = uuid.uuid4()
        version, wrapped, sealed = seal_bytes(tenant_id, document_id, data)
        evidence.document = Document.objects.create(
            id=document_id,
            tenant_id=tenant_id,
            kind="screening-evidence",
            kek_version=version,
            wrapped_key=wrapped,
            ciphertext=sealed,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        evidence.save(update_fields=["document"])
        default_storage.delete(evidence.file.name)


def unseal_files(apps, schema_editor):
    from steward.vault.documents import open_bytes

    Evidence = apps.get_model("workforce", "ScreeningEvidence")
    for evidence in Evidence.objects.select_related("screening", "document").order_by("pk"):
        document = evidence.document
        data = open_bytes(
            document.tenant_id,
            document.pk,
            document.kek_version,
            bytes(document.wrapped_key),
            bytes(document.ciphertext),
        )
        name = f"screening/{evidence.screening.tenant_id}/{evidence.pk}"
        evidence.file.save(name, ContentFile(data), save=False)
        evidence.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [
        ("vault", "0005_sealed_document"),
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="screeningevidence",
            name="document",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vault.sealeddocument",
            ),
        ),
        migrations.AlterField(
            model_name="screeningevidence",
            name="file",
            # Blank first, so that undoing the removal below can re-add the column.
            field=models.FileField(
                blank=True, upload_to=steward.workforce.models.screening.evidence_upload_path
            ),
        ),
        migrations.RunPython(seal_files, unseal_files),
        migrations.RemoveField(model_name="screeningevidence", name="file"),
        migrations.AlterField(
            model_name="screeningevidence",
            name="document",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vault.sealeddocument",
            ),
        ),
    ]
