"""The audit trail's tables. All but ``AuditPending`` and ``SealState`` are append-only:
database triggers refuse UPDATE and DELETE (migration 0002), and no code edits them.

An event *is* its canonical serialisation (``canonical``); the other columns
are an index for searching, which ``audit verify`` checks against it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cached_property
from typing import Any

from django.db import models

from steward.audit import canonical as canonical_json


class Action(models.TextChoices):
    """FHIR AuditEvent.action codes."""

    CREATE = "C", "Create"
    READ = "R", "Read"
    UPDATE = "U", "Update"
    DELETE = "D", "Delete"
    EXECUTE = "E", "Execute"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    ERROR = "error", "Error"


class RecordValue(models.Func):
    """A value the database reads out of an event's canonical record.

    The searchable columns are generated from the sealed text by the database
    itself, so they cannot disagree with what the Merkle log protects.
    """

    _POSTGRES_TYPES = {"uuid": "uuid", "bigint": "bigint", "boolean": "boolean", "text": "text"}

    def __init__(self, *path: str, kind: str, output_field: models.Field[Any, Any]) -> None:
        super().__init__(models.F("canonical"), output_field=output_field)
        self.path, self.kind = path, kind

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        path = ",".join(self.path)
        return f"(({sql})::jsonb #>> '{{{path}}}')::{self._POSTGRES_TYPES[self.kind]}", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        value = f"json_extract({sql}, '$.{'.'.join(self.path)}')"
        if self.kind == "uuid":  # Django keeps UUIDs on SQLite as 32 hex digits
            value = f"replace({value}, '-', '')"
        return value, params


def _generated(*path: str, kind: str, field: models.Field[Any, Any]) -> models.GeneratedField:
    return models.GeneratedField(
        expression=RecordValue(*path, kind=kind, output_field=field),
        output_field=field,
        db_persist=True,
    )


class AuditEvent(models.Model):
    sequence = models.BigAutoField(primary_key=True)
    canonical = models.TextField()
    # Searchable columns, computed by the database from ``canonical``.
    event_id = _generated("id", kind="uuid", field=models.UUIDField())
    occurred_us = _generated("time_us", kind="bigint", field=models.BigIntegerField())
    tenant_id = _generated("tenant", kind="uuid", field=models.UUIDField(null=True))
    actor_organization_id = _generated(
        "actor", "organization", kind="uuid", field=models.UUIDField(null=True)
    )
    actor_id = _generated("actor", "user", kind="uuid", field=models.UUIDField(null=True))
    patient_id = _generated("patient", kind="uuid", field=models.UUIDField(null=True))
    event = _generated("event", kind="text", field=models.CharField(max_length=64))
    action = _generated("action", kind="text", field=models.CharField(max_length=1))
    outcome = _generated("outcome", kind="text", field=models.CharField(max_length=8))
    break_glass = _generated("break_glass", kind="boolean", field=models.BooleanField())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name="audit_event_id_unique"),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "occurred_us"], name="audit_event_tenant_time"),
            models.Index(
                fields=["actor_organization_id", "occurred_us"], name="audit_event_actororg_time"
            ),
            models.Index(fields=["patient_id", "occurred_us"], name="audit_event_patient_time"),
            models.Index(fields=["actor_id", "occurred_us"], name="audit_event_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.outcome} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    @property
    def occurred_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.occurred_us / 1_000_000, tz=dt.UTC)

    @cached_property
    def record(self) -> dict[str, Any]:
        """The event as recorded (parsed from its canonical form)."""
        return canonical_json.loads(self.canonical)


class AuditPending(models.Model):
    """Events committed but not yet sealed; the sealer's work queue (not audit data)."""

    event = models.OneToOneField(AuditEvent, on_delete=models.CASCADE, primary_key=True)

    def __str__(self) -> str:
        return f"pending event {self.event_id}"


class AuditLeaf(models.Model):
    """The position of a sealed event in the Merkle log, and its leaf hash."""

    index = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="leaf")
    hash = models.BinaryField(max_length=32)
    sealed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"leaf {self.index}"


class MerkleNode(models.Model):
    """The hash of a complete subtree: leaves [index·2^level, (index+1)·2^level)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="audit_merkle_node_unique"),
        ]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class Checkpoint(models.Model):
    """A signed tree head, published after each sealing batch."""

    tree_size = models.BigIntegerField(primary_key=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField(help_text="The signed note (C2SP signed-note / tlog-checkpoint).")
    created_at = models.DateTimeField(auto_now_add=True)
    batch_size = models.PositiveIntegerField()
    max_lag_ms = models.BigIntegerField(
        help_text="Longest wait from event to sealing in the batch."
    )

    class Meta:
        ordering = ("-tree_size",)
        get_latest_by = "tree_size"

    def __str__(self) -> str:
        return f"checkpoint at size {self.tree_size}"


class SealState(models.Model):
    """The sealer's running state: tree size and the compact range's right edge.

    Derived, mutable and untrusted: verification recomputes everything from
    the events and checks it against the signed checkpoints.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    tree_size = models.BigIntegerField(default=0)
    frontier = models.BinaryField(default=b"")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sealer at size {self.tree_size}"


class Disclosure(models.Model):
    """A release of a patient's PHI outside the practice, for the accounting HIPAA §164.528
    gives patients: date, recipient, what was disclosed, and why. Never edited: a
    correction is a new entry that says so."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("tenancy.Organization", on_delete=models.PROTECT, related_name="+")
    patient_id = models.UUIDField()
    disclosed_on = models.DateField()
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.CharField(max_length=300, blank=True)
    description = models.CharField(max_length=500, help_text="What information was disclosed.")
    purpose = models.CharField(max_length=500, help_text="Why, or the legal basis.")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-disclosed_on", "-recorded_at")
        indexes = [
            models.Index(
                fields=["tenant", "patient_id", "disclosed_on"], name="audit_disclosure_patient"
            )
        ]

    def __str__(self) -> str:
        return f"disclosure {self.pk} on {self.disclosed_on}"
