"""Screening evidence moves from files on disk into the vault, sealed under the vendor's key.

Forward: every stored file is read, checked against the digest recorded at upload, sealed as
a ``vault.SealedDocument`` bound to its evidence row, and removed from storage only once the
migration has committed. A missing or altered file, or a vendor without a key (run
``steward rotate_keys --initial`` first where keys are not created automatically), stops the
migration with nothing changed. Backward: each document is opened and written back where the
file used to be; the documents are deleted.

The sealing format is written out here rather than imported, so this migration keeps doing
what it did when ``vault.documents`` changes later.
"""

import hashlib
import os
import uuid

import django.db.models.deletion
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

import steward.workforce.models.screening

KIND = "screening-evidence"


def _content_aad(tenant_id, document_id, bound_to):
    return b"\x1f".join(
        (b"steward/vault/document/v1", tenant_id.bytes, document_id.bytes, KIND.encode(), bound_to.bytes)
    )


def _key_aad(tenant_id, document_id, version):
    return b"\x1f".join(
        (
            b"steward/vault/document-key/v1",
            tenant_id.bytes,
            document_id.bytes,
            version.to_bytes(4, "big"),
        )
    )


def seal_files(apps, schema_editor):
    from steward.vault.keys import provider

    Evidence = apps.get_model("workforce", "ScreeningEvidence")
    Document = apps.get_model("vault", "SealedDocument")
    keys = provider()
    sealed_names = []
    for evidence in Evidence.objects.select_related("screening").order_by("pk"):
        name = evidence.file.name
        if not name or not default_storage.exists(name):
            raise RuntimeError(
                f"Screening evidence {evidence.pk}: its file {name!r} is missing from storage. "
                "Restore it from backup (or delete that evidence row) and migrate again."
            )
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != evidence.sha256:
            raise RuntimeError(
                f"Screening evidence {evidence.pk}: the file on disk is not the one uploaded "
                "(its SHA-256 differs). Restore it from backup and migrate again."
            )
        tenant_id = evidence.screening.tenant_id
        document_id = uuid.uuid4()
        version = keys.current_version(tenant_id)
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        evidence.document = Document.objects.create(
            id=document_id,
            tenant_id=tenant_id,
            kind=KIND,
            kek_version=version,
            wrapped_key=keys.wrap(tenant_id, version, data_key, _key_aad(tenant_id, document_id, version)),
            ciphertext=nonce
            + AESGCM(data_key).encrypt(nonce, data, _content_aad(tenant_id, document_id, evidence.pk)),
            size=len(data),
            sha256=evidence.sha256,
        )
        evidence.save(update_fields=["document"])
        sealed_names.append(name)

    def remove_files():
        for name in sealed_names:
            default_storage.delete(name)

    # Only once the documents are committed: a failure before then keeps every file.
    transaction.on_commit(remove_files)


def unseal_files(apps, schema_editor):
    from steward.vault.keys import provider

    Evidence = apps.get_model("workforce", "ScreeningEvidence")
    Document = apps.get_model("vault", "SealedDocument")
    keys = provider()
    written = []
    try:
        for evidence in Evidence.objects.select_related("screening", "document").order_by("pk"):
            document = evidence.document
            data_key = keys.unwrap(
                document.tenant_id,
                document.kek_version,
                bytes(document.wrapped_key),
                _key_aad(document.tenant_id, document.pk, document.kek_version),
            )
            sealed = bytes(document.ciphertext)
            data = AESGCM(data_key).decrypt(
                sealed[:12], sealed[12:], _content_aad(document.tenant_id, document.pk, evidence.pk)
            )
            evidence.file.save("evidence", ContentFile(data), save=False)
            written.append(evidence.file.name)
            evidence.document = None
            evidence.save(update_fields=["file", "document"])
            Document.objects.filter(pk=document.pk).delete()
    except Exception:
        # The database rolls back; the plaintext files written so far must not stay behind.
        for name in written:
            default_storage.delete(name)
        raise


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
