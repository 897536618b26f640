"""steward audit seal | verify | prove | status | export | key"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from steward.audit import keys, proofs, selectors
from steward.audit.models import AuditEvent
from steward.audit.sealing import SealError, seal_pending
from steward.audit.verification import verify_log
from steward.core.context import command_context
from steward.core.keyfiles import KeyFileError


class Command(BaseCommand):
    help = "Operate the tamper-evident audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="operation", required=True)
        seal = commands.add_parser("seal", help="seal pending events now")
        seal.add_argument("--limit", type=int, default=None, help="events per batch")
        commands.add_parser("verify", help="recompute the log and check every checkpoint")
        commands.add_parser("status", help="sealing lag and the latest checkpoint")
        key = commands.add_parser("key", help="print the public verifier key")
        key.add_argument(
            "--create",
            action="store_true",
            help="create the signing key of a new installation first",
        )
        prove = commands.add_parser("prove", help="print an inclusion or consistency proof")
        kinds = prove.add_subparsers(dest="kind", required=True)
        inclusion = kinds.add_parser("inclusion")
        inclusion.add_argument("event_id")
        inclusion.add_argument("--size", type=int, default=None)
        consistency = kinds.add_parser("consistency")
        consistency.add_argument("first", type=int)
        consistency.add_argument("second", type=int)
        export = commands.add_parser("export", help="write a bundle for steward-verify")
        export.add_argument("--event", action="append", default=[], help="event id (repeatable)")
        export.add_argument("--patient", default=None, help="every event about this patient id")
        export.add_argument("--output", "-o", default="-", help="file to write (default stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        operation = options["operation"]
        with command_context(f"audit {operation}"):
            try:
                getattr(self, f"_{operation}")(options)
            except (KeyFileError, SealError, proofs.ProofUnavailable) as exc:
                raise CommandError(str(exc)) from exc

    def _seal(self, options: dict[str, Any]) -> None:
        result = seal_pending(limit=options["limit"])
        self.stdout.write(
            f"Sealed {result.sealed} event(s); the log has {result.tree_size} leaves. "
            f"Longest wait in these batches: {result.max_lag_ms} ms."
        )

    def _verify(self, options: dict[str, Any]) -> None:
        bar = tqdm(
            total=AuditEvent.objects.count(),
            desc="Verifying audit log",
            unit="event",
            file=self.stderr,
            disable=options["verbosity"] < 1,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = verify_log(progress=progress)
        bar.close()
        self.stdout.write(
            f"Checked {report.events} sealed event(s) against {report.checkpoints} signed "
            f"checkpoint(s); {report.unsealed} event(s) awaiting sealing."
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The audit log verifies."))
            return
        for finding in report.findings:
            where = f"leaf {finding.index}: " if finding.index is not None else ""
            self.stdout.write(self.style.ERROR(f"  {where}{finding.problem}"))
        first = report.first_bad_index
        raise CommandError(
            "The audit log does NOT verify"
            + (f"; the first bad leaf index is {first}." if first is not None else ".")
        )

    def _status(self, options: dict[str, Any]) -> None:
        status = selectors.seal_status()
        self.stdout.write(f"Log size: {status.tree_size} sealed event(s)")
        self.stdout.write(f"Latest checkpoint: {status.last_checkpoint_at or 'none yet'}")
        self.stdout.write(
            f"Awaiting sealing: {status.pending} (oldest {status.oldest_pending_seconds:.1f} s)"
        )
        self.stdout.write(
            f"Sealing lag over the last 100 batches: max {status.recent_max_lag_ms} "
            f"ms, average {status.recent_average_lag_ms:.0f} ms"
        )

    def _key(self, options: dict[str, Any]) -> None:
        if options["create"] and keys.signing_key_create():
            self.stderr.write("Created the checkpoint signing key; back up the key directory.")
        self.stdout.write(keys.verifier_key())

    def _prove(self, options: dict[str, Any]) -> None:
        if options["kind"] == "inclusion":
            result = proofs.inclusion_for(options["event_id"], options["size"])
        else:
            result = proofs.consistency_between(options["first"], options["second"])
        self.stdout.write(json.dumps(result, indent=2))

    def _export(self, options: dict[str, Any]) -> None:
        events = AuditEvent.objects.none()
        if options["event"]:
            events = AuditEvent.objects.filter(event_id__in=options["event"])
        elif options["patient"]:
            events = AuditEvent.objects.filter(patient_id=options["patient"])
        else:
            raise CommandError("Name the events: --event ID (repeatable) or --patient ID.")
        bundle = proofs.bundle_for(events.order_by("sequence"))
        text = json.dumps(bundle, indent=2)
        if options["output"] == "-":
            self.stdout.write(text)
        else:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {len(bundle['events'])} event(s) to {options['output']}.")
