"""steward verify_vault: open every patient's every field, and check the blind indexes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from steward.core.context import command_context
from steward.core.keyfiles import KeyFileError
from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.vault import rotation
from steward.vault.documents import document_key_check
from steward.vault.models import Patient, PatientStatus, SealedDocument


class Command(BaseCommand):
    help = "Check that patients' data and sealed documents' keys open with the keys here."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        with command_context("verify_vault"):
            for tenant in Organization.objects.filter(kind=OrganizationKind.COVERED_ENTITY):
                count = (
                    Patient.objects.for_tenant(tenant).filter(status=PatientStatus.ACTIVE).count()
                )
                with tqdm(
                    total=count,
                    unit="patient",
                    desc=str(tenant),
                    file=self.stderr,
                    disable=options["verbosity"] < 1,
                ) as bar:
                    try:
                        result = rotation.verify_tenant(tenant=tenant, progress=bar.update)
                    except KeyFileError as exc:
                        raise CommandError(str(exc)) from exc
                for patient_id, problem in result.problems[:20]:
                    self.stdout.write(self.style.ERROR(f"  patient {patient_id}: {problem}"))
                problems += len(result.problems)
                self.stdout.write(
                    f"{tenant}: {result.checked} patients checked, "
                    f"{len(result.problems)} problem(s)."
                )
            problems += self._documents()
        if problems:
            raise CommandError(f"{problems} patient record(s) or document(s) failed verification.")

    def _documents(self) -> int:
        """Every sealed document's key unwraps with its owner's key files (contents stay sealed)."""
        problems = 0
        owners = SealedDocument.objects.values_list("tenant_id", flat=True).distinct()
        for owner in Organization.objects.filter(pk__in=owners).order_by("short_name"):
            documents = SealedDocument.objects.filter(tenant=owner).only(
                "pk", "tenant_id", "kek_version", "wrapped_key"
            )
            bad = 0
            for document in documents.iterator():
                try:
                    document_key_check(document)
                except KeyFileError as exc:
                    bad += 1
                    self.stdout.write(self.style.ERROR(f"  document {document.pk}: {exc}"))
            self.stdout.write(
                f"{owner}: {documents.count()} sealed documents checked, {bad} problem(s)."
            )
            problems += bad
        return problems
