"""The sealer: gives committed events consecutive leaf indexes and publishes checkpoints.

Writers never wait for it: recording an event inserts a row and a queue
entry, nothing more. The sealer takes the queue in batches, each in one
short transaction holding the only lock (the ``SealState`` row), so leaf
indexes are consecutive and gap-free whatever the number of writers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from steward.audit import keys, merkle, notes
from steward.audit.models import (
    AuditEvent,
    AuditLeaf,
    AuditPending,
    Checkpoint,
    MerkleNode,
    SealState,
)


class SealError(RuntimeError):
    """The sealer's state disagrees with the stored log; sealing stops rather than guess."""


@dataclass(frozen=True)
class SealResult:
    sealed: int
    tree_size: int
    max_lag_ms: int


def _frontier_of(state: SealState) -> list[bytes]:
    raw = bytes(state.frontier)
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def seal_batch(*, limit: int | None = None) -> SealResult:
    """Seal up to ``limit`` pending events and publish a signed checkpoint for them."""
    limit = limit or settings.STEWARD_AUDIT_SEAL_BATCH
    signing_key = keys.signing_key()  # fail before taking any lock if the key is missing
    with transaction.atomic():
        SealState.objects.bulk_create([SealState(id=1)], ignore_conflicts=True)
        state = SealState.objects.select_for_update().get(id=1)
        last = AuditLeaf.objects.order_by("-index").values_list("index", flat=True).first()
        if (last if last is not None else -1) != state.tree_size - 1:
            raise SealError(
                f"The sealer's tree size ({state.tree_size}) disagrees with the stored log "
                f"(last leaf {last}); run `steward audit verify`."
            )
        queued = list(
            AuditPending.objects.order_by("event_id").values_list("event_id", flat=True)[:limit]
        )
        if not queued:
            return SealResult(sealed=0, tree_size=state.tree_size, max_lag_ms=0)
        events = (
            AuditEvent.objects.filter(sequence__in=queued)
            .order_by("sequence")
            .values_list("sequence", "canonical", "occurred_us")
        )
        nodes: list[MerkleNode] = []
        compact = merkle.CompactRange(
            state.tree_size,
            _frontier_of(state),
            on_node=lambda level, index, h: nodes.append(
                MerkleNode(level=level, index=index, hash=h)
            ),
        )
        leaves = []
        oldest_us = None
        for sequence, text, occurred_us in events:
            hashed = merkle.leaf_hash(text.encode())
            leaves.append(AuditLeaf(index=compact.size, event_id=sequence, hash=hashed))
            compact.append(hashed)
            oldest_us = occurred_us if oldest_us is None else min(oldest_us, occurred_us)
        AuditLeaf.objects.bulk_create(leaves, batch_size=1000)
        MerkleNode.objects.bulk_create(nodes, batch_size=1000)
        AuditPending.objects.filter(event_id__in=queued).delete()
        root = compact.root()
        checkpoint = notes.Checkpoint(origin=keys.origin(), size=compact.size, root=root)
        lag_ms = max(0, (time.time_ns() // 1000 - (oldest_us or 0)) // 1000)
        Checkpoint.objects.create(
            tree_size=compact.size,
            root=root,
            note=notes.sign(checkpoint, keys.origin(), signing_key),
            batch_size=len(leaves),
            max_lag_ms=lag_ms,
        )
        state.tree_size = compact.size
        state.frontier = b"".join(compact.frontier)
        state.save(update_fields=["tree_size", "frontier", "updated_at"])
    return SealResult(sealed=len(leaves), tree_size=compact.size, max_lag_ms=lag_ms)


def seal_pending(*, limit: int | None = None) -> SealResult:
    """Seal until the queue is empty (each batch in its own short transaction)."""
    total, result = 0, SealResult(0, 0, 0)
    while True:
        batch = seal_batch(limit=limit)
        if batch.sealed == 0:
            return SealResult(sealed=total, tree_size=batch.tree_size, max_lag_ms=result.max_lag_ms)
        total += batch.sealed
        result = SealResult(total, batch.tree_size, max(result.max_lag_ms, batch.max_lag_ms))
