"""steward rotate_keys [--tenant ID] [--reencrypt]: new KEK versions, every patient moved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from steward.core.context import command_context
from steward.core.keyfiles import KeyFileError
from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.vault import rotation
from steward.vault.documents import documents_rewrap
from steward.vault.keys import blind_index_root_create, provider


class Command(BaseCommand):
    help = (
        "Create a new key-encryption key for each practice and re-wrap every patient's data key "
        "with it (--reencrypt: give every patient a new data key and re-encrypt their fields). "
        "Resumable: run it again after an interruption. Verifies every patient, then retires "
        "old keys nothing refers to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="only this organisation (id)")
        parser.add_argument("--reencrypt", action="store_true")
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument("--no-retire", action="store_true", help="keep old key versions")
        parser.add_argument(
            "--initial",
            action="store_true",
            help="only create a first key where a practice has none",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Practices' keys wrap patients' data keys; vendors' keys wrap their sealed documents.
        tenants = Organization.objects.filter(
            kind__in=(OrganizationKind.COVERED_ENTITY, OrganizationKind.BUSINESS_ASSOCIATE),
            is_active=True,
        )
        if options["tenant"]:
            tenants = tenants.filter(pk=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No practice or vendor has the id {options['tenant']}.")
        with command_context("rotate_keys"):
            try:
                if options["initial"] and blind_index_root_create():
                    self.stdout.write("Created the blind-index root key.")
                for tenant in tenants.order_by("pk"):
                    if options["initial"]:
                        self._initial(tenant)
                    else:
                        self._rotate(tenant, options)
            except KeyFileError as exc:
                raise CommandError(str(exc)) from exc
            except rotation.RotationConflict as exc:
                raise CommandError(str(exc)) from exc

    def _initial(self, tenant: Organization) -> None:
        if provider().versions(tenant.pk):
            self.stdout.write(f"{tenant}: has a key already.")
        else:
            version = provider().create_version(tenant.pk)
            self.stdout.write(f"{tenant}: created key version {version}.")

    def _rotate(self, tenant: Organization, options: dict[str, Any]) -> None:
        run, resumed = rotation.rotation_open(tenant=tenant, reencrypt=options["reencrypt"])
        todo = rotation.pending_count(run)
        verb = "Resuming" if resumed else "Rotating"
        holds = (
            "its sealed documents"
            if tenant.kind == OrganizationKind.BUSINESS_ASSOCIATE
            else f"{'re-encrypting' if run.reencrypt else 're-wrapping'} {todo} patients"
        )
        self.stdout.write(f"{verb} {tenant} to key version {run.target_kek_version} ({holds})")
        with tqdm(
            total=todo, unit="patient", file=self.stderr, disable=options["verbosity"] < 1
        ) as bar:
            try:
                rotation.rotate(run, batch=options["batch"], progress=bar.update)
            except KeyboardInterrupt:
                raise CommandError(
                    f"Interrupted after {bar.n} of {todo} patients of {tenant}; every finished "
                    "batch is saved. Run the same command again to resume."
                ) from None
        rotation.rotation_finish(run)
        with tqdm(
            total=rotation.pending_count(run) or None,
            unit="patient",
            desc="verifying",
            file=self.stderr,
            disable=options["verbosity"] < 1,
        ) as bar:
            result = rotation.verify_tenant(tenant=tenant, progress=bar.update)
        if result.problems:
            for patient_id, problem in result.problems[:20]:
                self.stdout.write(self.style.ERROR(f"  patient {patient_id}: {problem}"))
            raise CommandError(
                f"{len(result.problems)} patient(s) of {tenant} failed verification; "
                "no key was retired."
            )
        if tenant.kind != OrganizationKind.BUSINESS_ASSOCIATE:
            self.stdout.write(f"Verified {result.checked} patients of {tenant}.")
        documents = documents_rewrap(tenant=tenant, target=run.target_kek_version)
        if documents:
            self.stdout.write(f"Re-wrapped the keys of {documents} sealed documents of {tenant}.")
        if not options["no_retire"]:
            retired = rotation.retire_unused(tenant=tenant)
            if retired:
                self.stdout.write(f"Retired key version(s) {', '.join(map(str, retired))}.")
