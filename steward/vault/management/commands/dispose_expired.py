"""steward dispose_expired: crypto-shred every patient past their practice's retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from steward.core.context import command_context
from steward.core.keyfiles import KeyFileError
from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.vault import rotation, services


class Command(BaseCommand):
    help = (
        "Dispose of patients whose last activity is older than the retention policy: destroy "
        "their data key, blank their fields, keep a tombstone and a certificate. Then rotate "
        "the practice's key so database backups lose the destroyed keys too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count")
        parser.add_argument(
            "--no-rotate",
            action="store_true",
            help="do not rotate keys afterwards (backups stay decryptable until the next rotation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Organization.objects.filter(kind=OrganizationKind.COVERED_ENTITY, is_active=True)
        with command_context("dispose_expired"):
            try:
                for tenant in tenants.order_by("pk"):
                    self._tenant(tenant, options)
            except KeyFileError as exc:
                raise CommandError(str(exc)) from exc

    def _tenant(self, tenant: Organization, options: dict[str, Any]) -> None:
        due = services.expired_patients(tenant=tenant)
        policy = services.retention_policy_for(tenant)
        self.stdout.write(
            f"{tenant}: {len(due)} record(s) past {policy.years_after_last_activity} "
            "years without activity."
        )
        if options["dry_run"] or not due:
            return
        description = f"retention: {policy.years_after_last_activity} years after last activity"
        certificates = []
        for patient in tqdm(
            due, unit="patient", file=self.stderr, disable=options["verbosity"] < 1
        ):
            certificates.append(
                services.patient_dispose(
                    patient=patient,
                    basis="retention-expired",
                    policy=description,
                    approved_by=None,
                )
            )
        self.stdout.write(
            f"  disposed of {len(certificates)}; certificates "
            f"{', '.join(str(c.pk) for c in certificates[:5])}"
            f"{' …' if len(certificates) > 5 else ''}"
        )
        if options["no_rotate"]:
            return
        run, _ = rotation.rotation_open(tenant=tenant, reencrypt=False)
        rotation.rotate(run)
        rotation.rotation_finish(run)
        retired = rotation.retire_unused(tenant=tenant)
        self.stdout.write(
            f"  rotated to key version {run.target_kek_version}; retired "
            f"{', '.join(map(str, retired)) or 'none'}"
        )
