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
from steward.vault.models import Patient, PatientStatus


class Command(BaseCommand):
    help = "Check that every patient's data opens with the keys on this machine."

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
        if problems:
            raise CommandError(f"{problems} patient record(s) could not be verified.")
